"""The cost ledger as an HTML table: every layer, its costs, the bottleneck marked.

Plain HTML (no pandas, no table widget), so it works the same under ``panel serve`` and
in the browser's Python, and stays fast for ResNet-152's 500-odd rows: the table
scrolls inside its card with the column titles kept in view.
"""
import html

from app.core.theme import TEXT

__all__ = ["TABLE_COLUMNS", "NUMBER_COLUMNS", "SORT_COLUMNS", "ledger_columns", "sorted_rows", "ledger_table"]

# Table columns: data column -> title string key.
TABLE_COLUMNS = {"order": "archlab_col_index", "name": "archlab_col_name", "kind": "archlab_col_kind",
                 "detail": "archlab_col_detail", "output": "archlab_col_output", "params": "archlab_col_params",
                 "macs": "archlab_col_macs", "activation_bytes": "archlab_col_act",
                 "saved_bytes": "archlab_col_saved", "fc_params": "archlab_col_fc"}
NUMBER_COLUMNS = ("params", "macs", "activation_bytes", "saved_bytes", "fc_params")
# What the table can be sorted by: layer order (as the network runs), or a cost, largest first.
SORT_COLUMNS = ("order", "params", "macs", "activation_bytes")

_CSS = f"""
.ledger-scroll {{ max-height: 520px; overflow: auto; border: 1px solid #D9E2EC; border-radius: 6px; }}
table.ledger {{ border-collapse: collapse; width: 100%; font-size: 15px; color: {TEXT};
               font-variant-numeric: tabular-nums; }}
table.ledger th {{ position: sticky; top: 0; background: #F0F4F8; font-weight: 600; padding: 6px 8px;
                  text-align: center; border-bottom: 2px solid #BCCCDC; z-index: 1; }}
table.ledger td {{ padding: 3px 8px; border-bottom: 1px solid #E4E7EB; text-align: left; white-space: nowrap; }}
table.ledger td.num {{ text-align: right; }}
table.ledger tr.hot td {{ background: #FFE8B8; font-weight: 600; }}
table.ledger tbody tr:hover td {{ background: #EEF4FB; }}
"""


def ledger_columns(rows):
    """``arch_ledger.ledger_rows`` output with ``index`` named ``order`` and only :data:`TABLE_COLUMNS`."""
    columns = dict(rows)
    columns["order"] = columns.pop("index")
    return {key: list(columns[key]) for key in TABLE_COLUMNS}


def sorted_rows(columns, sort_by="order"):
    """Row indices in display order: layer order, or by ``sort_by`` largest first (ties in layer order)."""
    if sort_by not in SORT_COLUMNS:
        raise ValueError(f"cannot sort the ledger by {sort_by!r}; choose one of {', '.join(SORT_COLUMNS)}")
    n = len(columns["order"])
    if sort_by == "order":
        return list(range(n))
    values = columns[sort_by]
    return sorted(range(n), key=lambda i: (-values[i], i))


def ledger_table(columns, titles, sort_by="order", testid="arch-ledger"):
    """The HTML of the ledger table; the row(s) with the most MACs (the bottleneck) are highlighted.

    ``columns``: :func:`ledger_columns`; ``titles``: data column -> shown title.
    """
    most = max(columns["macs"], default=0)
    head = "".join(f"<th scope='col'>{html.escape(titles[key])}</th>" for key in TABLE_COLUMNS)
    body = []
    for i in sorted_rows(columns, sort_by):
        cells = []
        for key in TABLE_COLUMNS:
            value = columns[key][i]
            if key in NUMBER_COLUMNS:
                cells.append(f"<td class='num'>{value:,}</td>")
            else:
                cells.append(f"<td>{html.escape(str(value))}</td>")
        hot = " class='hot'" if most and columns["macs"][i] == most else ""
        body.append(f"<tr{hot} data-name='{html.escape(columns['name'][i])}'>{''.join(cells)}</tr>")
    return (f"<style>{_CSS}</style><div class='ledger-scroll'>"
            f"<table class='ledger' data-testid='{html.escape(testid)}' data-sort='{html.escape(sort_by)}' "
            f"data-rows='{len(body)}'><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table></div>")
