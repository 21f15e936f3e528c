"""Texts of the Lesson view, in English and 中文 (merged into ``app.core.i18n.STRINGS`` on import).

Keys start with ``lesson_``; ``nav_lesson`` names the view (the page's title in the static site).
The format's own messages (a bad file or link) are in :mod:`app.views.lesson.format`.
"""
from app.core.i18n import add_strings

__all__ = ["STRINGS"]

STRINGS = {
    "nav_lesson": {"en": "Lesson", "zh": "课程"},
    "lesson_heading": {"en": "Build a lesson", "zh": "编排一节课"},
    "lesson_intro": {"en": "A lesson is a list of views, each with its settings and a note for you, in English "
                           "and 中文. Set a view up below, add it as a step, write the note, then play the lesson "
                           "full screen and share it as a link or a file.",
                     "zh": "一节课是一串视图，每个视图带着它的设置和一段给你的备注（英文和中文）。"
                           "先在页面下方设置好一个视图，把它加为一步，写上备注，然后全屏放映，并以链接或文件分享。"},
    "lesson_title": {"en": "Title of the lesson", "zh": "课程标题"},
    "lesson_title_placeholder": {"en": "e.g. Convolution in 6 steps", "zh": "例如：卷积六步"},
    "lesson_untitled": {"en": "Untitled lesson", "zh": "未命名课程"},
    # adding steps
    "lesson_add_heading": {"en": "Add a step: set a view up, then add it", "zh": "添加一步：先设置视图，再添加"},
    "lesson_view_pick": {"en": "View", "zh": "视图"},
    "lesson_add": {"en": "＋ Add this view as a step", "zh": "＋ 把这个视图加为一步"},
    "lesson_add_hint": {"en": "Change the view's settings below as you want the students to see them, then add it.",
                        "zh": "把下面视图的设置调成你想让学生看到的样子，然后添加。"},
    "lesson_link": {"en": "…or paste a link of a view", "zh": "……或粘贴一个视图的链接"},
    "lesson_link_placeholder": {"en": "e.g. http://localhost:5006/conv?kernel=5&stride=2",
                                "zh": "例如 …/conv?kernel=5&stride=2"},
    "lesson_add_link": {"en": "＋ Add the link's view", "zh": "＋ 添加链接中的视图"},
    "lesson_added": {"en": "Added step {n}: {view}.", "zh": "已添加第 {n} 步：{view}。"},
    "lesson_preview_loading": {"en": "Loading the view…", "zh": "正在加载视图……"},
    # the steps
    "lesson_steps_heading": {"en": "Steps", "zh": "步骤"},
    "lesson_no_steps": {"en": "No step yet: add a view below, or open an example lesson.",
                        "zh": "还没有步骤：在下面添加一个视图，或打开一个示例课程。"},
    "lesson_step_label": {"en": "Step {n}", "zh": "第 {n} 步"},
    "lesson_defaults": {"en": "its default settings", "zh": "默认设置"},
    "lesson_note_en": {"en": "Note in English", "zh": "英文备注"},
    "lesson_note_zh": {"en": "Note in 中文", "zh": "中文备注"},
    "lesson_note_placeholder": {"en": "What to say or ask at this step", "zh": "这一步要讲或要问的内容"},
    "lesson_up": {"en": "↑ Up", "zh": "↑ 上移"},
    "lesson_down": {"en": "↓ Down", "zh": "↓ 下移"},
    "lesson_delete": {"en": "✕ Delete", "zh": "✕ 删除"},
    "lesson_show": {"en": "Show above", "zh": "在上方显示"},
    "lesson_replace": {"en": "↻ Use the view above", "zh": "↻ 换成上方的视图"},
    "lesson_play_from": {"en": "▶ Play from here", "zh": "▶ 从这里放映"},
    "lesson_deleted": {"en": "Deleted step {n}.", "zh": "已删除第 {n} 步。"},
    "lesson_undo": {"en": "Undo", "zh": "撤销"},
    # share and play
    "lesson_share_heading": {"en": "Play and share", "zh": "放映与分享"},
    "lesson_play": {"en": "▶ Play full screen", "zh": "▶ 全屏放映"},
    "lesson_presenter": {"en": "Presenter window", "zh": "演讲者窗口"},
    "lesson_presenter_tip": {"en": "Opens your notes (this step and the next) in a second window that follows the lesson.",
                             "zh": "在第二个窗口中打开你的备注（当前步和下一步），它会跟随课程翻页。"},
    "lesson_share_link": {"en": "Link to this lesson", "zh": "本课程的链接"},
    "lesson_copy": {"en": "Copy the link", "zh": "复制链接"},
    "lesson_link_length": {"en": "{size:,} of at most {limit:,} characters. The link holds the whole lesson: "
                                 "whoever opens it gets the lesson, nothing is stored on a server.",
                           "zh": "{size:,} 个字符（最多 {limit:,}）。链接里就是整节课：打开它就得到这节课，服务器上不存任何东西。"},
    "lesson_link_too_long": {"en": "This lesson is too long for a link ({size:,} characters; at most {limit:,}): "
                                   "download it as a file and share the file.",
                             "zh": "这节课太长，放不进链接（{size:,} 个字符；最多 {limit:,}）：请下载为文件，分享文件。"},
    "lesson_download": {"en": "⬇ Download the lesson (.json)", "zh": "⬇ 下载课程（.json）"},
    "lesson_open_file": {"en": "Open a lesson file", "zh": "打开课程文件"},
    "lesson_opened_file": {"en": "Opened the lesson file {name}: {title}, {n} steps.",
                           "zh": "已打开课程文件 {name}：{title}，共 {n} 步。"},
    "lesson_file_refused": {"en": "The file {name} is too large for a lesson ({size:,} bytes; at most {limit:,}).",
                            "zh": "文件 {name} 太大，不是课程文件（{size:,} 字节；最多 {limit:,}）。"},
    "lesson_file_error": {"en": "The file {name} could not be opened: {message}",
                          "zh": "无法打开文件 {name}：{message}"},
    "lesson_link_error": {"en": "The lesson in this link could not be opened: {message}",
                          "zh": "无法打开此链接中的课程：{message}"},
    "lesson_examples": {"en": "Example lessons", "zh": "示例课程"},
    "lesson_open_example": {"en": "Open the example", "zh": "打开示例"},
    "lesson_opened_example": {"en": "Opened the example {title}.", "zh": "已打开示例：{title}。"},
    "lesson_restore": {"en": "↶ Back to the lesson before", "zh": "↶ 回到之前的课程"},
    "lesson_new": {"en": "New empty lesson", "zh": "新建空课程"},
    # playing
    "lesson_counter": {"en": "Step {n} of {total}", "zh": "第 {n} 步，共 {total} 步"},
    "lesson_prev": {"en": "◀ Previous", "zh": "◀ 上一步"},
    "lesson_next": {"en": "Next ▶", "zh": "下一步 ▶"},
    "lesson_projector": {"en": "Projector theme", "zh": "投影仪主题"},
    "lesson_fullscreen": {"en": "Full screen", "zh": "全屏"},
    "lesson_exit": {"en": "✕ Back to editing", "zh": "✕ 返回编辑"},
    "lesson_keys": {"en": "Keys: → PageDown Space next · ← PageUp previous · Home End first, last "
                          "(a presentation clicker works too)",
                    "zh": "按键：→ PageDown 空格 下一步 · ← PageUp 上一步 · Home End 第一步、最后一步（翻页笔也可用）"},
    "lesson_empty_play": {"en": "This lesson has no step yet.", "zh": "这节课还没有步骤。"},
    # the presenter window
    "lesson_presenter_heading": {"en": "Presenter notes", "zh": "演讲者备注"},
    "lesson_presenter_now": {"en": "Now · step {n}: {view}", "zh": "当前 · 第 {n} 步：{view}"},
    "lesson_presenter_next": {"en": "Next · step {n}: {view}", "zh": "下一步 · 第 {n} 步：{view}"},
    "lesson_presenter_end": {"en": "This is the last step.", "zh": "这是最后一步。"},
    "lesson_presenter_help": {"en": "This window follows the lesson window (and leads it: its buttons and keys "
                                    "move both). Put it on your own screen.",
                              "zh": "这个窗口跟随课程窗口翻页（它的按钮和按键也会让两边一起翻页）。把它放在你自己的屏幕上。"},
    "lesson_clock": {"en": "Time since you started:", "zh": "已用时间："},
    "lesson_no_note": {"en": "(no note)", "zh": "（无备注）"},
    "lesson_presenter_no_link": {"en": "A presenter window needs the lesson in its link; this lesson is too long "
                                       "for one.",
                                 "zh": "演讲者窗口需要把课程放进链接；这节课太长，放不进去。"},
}

add_strings(STRINGS)
