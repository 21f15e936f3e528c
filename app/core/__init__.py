"""What every view and page shares that is not a widget: the languages (``i18n``), the look
(``theme``), the session's models and drawing (``session``), drawing -> probabilities
(``inference``), lecture mode and the embed snippet (``lecture``, ``responsive``), text from
outside shown safely (``text``), link values (``url_check``, ``model_values``), pictures from files
(``image_input``), a training run driven a little at a time (``training``), the engine's messages
in the page's language (``engine_strings``), photo credits and the static site's link to the page
(``site_link``). Nothing here imports a view or a widget."""
