"""HTML rendering of a `Report`: one self-contained file (inline CSS, base64 images, no scripts, no links)."""

from __future__ import annotations

import base64
import html
import math

__all__ = ["CSS", "esc", "fmt", "human", "img", "kv_table", "pre", "render", "table"]

CSS = """
body{font-family:-apple-system,"Segoe UI",Roboto,Helvetica,Arial,sans-serif;margin:0;color:#1f2328;background:#f6f8fa}
main{max-width:1100px;margin:0 auto;padding:24px 32px 64px;background:#fff}
h1{font-size:26px;margin:8px 0 4px}
h2{font-size:20px;border-bottom:2px solid #d0d7de;padding-bottom:4px;margin-top:36px}
h3{font-size:15px;margin:18px 0 6px} .sub{color:#57606a;margin:0 0 16px}
nav{background:#f6f8fa;border:1px solid #d0d7de;border-radius:6px;padding:8px 14px;margin:12px 0 8px;font-size:14px}
nav a{margin-right:14px;color:#0969da;text-decoration:none}
table{border-collapse:collapse;margin:8px 0 12px;font-size:13px}
th,td{border:1px solid #d0d7de;padding:4px 9px;text-align:right} th{background:#f6f8fa}
td.l,th.l{text-align:left} tr:nth-child(even) td{background:#fbfcfd}
pre{background:#f6f8fa;border:1px solid #d0d7de;border-radius:6px;padding:10px;font-size:12px;overflow-x:auto}
figure{margin:10px 0 18px} figure img{max-width:100%;border:1px solid #eaeef2} figcaption{font-size:12px;color:#57606a}
.note{background:#fff8c5;border:1px solid #d4a72c;border-radius:6px;padding:8px 12px;font-size:13px}
ul.caveats li{margin:4px 0} .bad{color:#cf222e;font-weight:600} .ok{color:#1a7f37;font-weight:600}
footer{color:#57606a;font-size:12px;margin-top:40px}
"""


def esc(text) -> str:
    """HTML-escape ``text``."""
    return html.escape(str(text), quote=True)


def fmt(value, digits: int = 4) -> str:
    """Numbers to short text (``4.19e+10``, ``0.3473``); others with ``str``."""
    if isinstance(value, bool) or value is None:
        return "" if value is None else str(value)
    if isinstance(value, (int, float)) or hasattr(value, "dtype"):
        v = float(value)
        if not math.isfinite(v):
            return "n/a"
        if v != 0 and (abs(v) >= 1e5 or abs(v) < 1e-3):
            return f"{v:.{digits - 1}e}"
        return f"{v:.{digits}g}"
    return str(value)


def human(x: float) -> str:
    """Counts with a suffix: 1.31e12 -> '1.31T', 7.32e10 -> '73.2B'."""
    for scale, suffix in ((1e12, "T"), (1e9, "B"), (1e6, "M"), (1e3, "k")):
        if abs(x) >= scale:
            return f"{x / scale:.3g}{suffix}"
    return f"{x:.4g}"


def table(headers, rows, *, left: int = 1) -> str:
    """An HTML table; the first ``left`` columns are left-aligned text."""
    head = "".join(f'<th class="l">{esc(h)}</th>' if i < left else f"<th>{esc(h)}</th>" for i, h in enumerate(headers))
    body = []
    for row in rows:
        cells = "".join(f'<td class="l">{esc(fmt(c))}</td>' if i < left else f"<td>{esc(fmt(c))}</td>"
                        for i, c in enumerate(row))
        body.append(f"<tr>{cells}</tr>")
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"


def kv_table(pairs) -> str:
    """A two-column key/value table."""
    return table(("", "value"), [(k, v) for k, v in pairs], left=2)


def pre(text: str) -> str:
    """Preformatted, escaped text (fit reports)."""
    return f"<pre>{esc(text)}</pre>"


def img(png: bytes | None, caption: str, alt: str) -> str:
    """A figure with the PNG embedded as base64 (empty string when there is no image)."""
    if not png:
        return ""
    data = base64.b64encode(png).decode("ascii")
    return (f'<figure><img alt="{esc(alt)}" src="data:image/png;base64,{data}">'
            f"<figcaption>{esc(caption)}</figcaption></figure>")


def render(report) -> str:
    """The whole report as one HTML document."""
    nav = "".join(f'<a href="#{esc(s.key)}">{esc(s.title)}</a>' for s in report.sections)
    notes = "".join(f'<p class="note">{esc(n)}</p>' for n in report.notes)
    body = "".join(f'<section id="{esc(s.key)}"><h2>{esc(s.title)}</h2>{s.html}</section>' for s in report.sections)
    return (
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
        f"<title>{esc(report.title)}</title><style>{CSS}</style></head><body><main>"
        f"<h1>{esc(report.title)}</h1><p class=\"sub\">{esc(report.subtitle)}</p>"
        f"<nav>{nav}</nav>{notes}{body}"
        f"<footer>{esc(report.footer)}</footer></main></body></html>\n"
    )
