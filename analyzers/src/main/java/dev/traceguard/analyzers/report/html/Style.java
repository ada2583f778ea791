package dev.traceguard.analyzers.report.html;

/** The page's inline stylesheet: readable on screen and in print, light and dark. */
final class Style {
  static final String CSS = String.join("\n",
      ":root{--fg:#1b1f24;--muted:#5b6570;--bg:#fff;--card:#f6f8fa;--line:#d0d7de;"
          + "--err:#c62828;--warn:#b26a00;--info:#1565c0;--ok:#2e7d32}",
      "@media (prefers-color-scheme:dark){:root{--fg:#e6edf3;--muted:#9aa4ae;--bg:#0d1117;"
          + "--card:#161b22;--line:#30363d;--err:#ff6b6b;--warn:#f0b429;--info:#64b5f6;--ok:#66bb6a}}",
      "*{box-sizing:border-box}",
      "body{margin:0;font:14px/1.45 system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;color:var(--fg);"
          + "background:var(--bg)}",
      "header,main,footer,nav{max-width:1180px;margin:0 auto;padding:0 20px}",
      "header h1{margin:18px 0 2px;font-size:22px}",
      ".meta,.more,footer{color:var(--muted)}",
      "footer{padding:24px 20px;font-size:12px}",
      "nav ul{list-style:none;padding:0;margin:8px 0 0;display:flex;gap:14px;flex-wrap:wrap}",
      "nav a{color:var(--info);text-decoration:none}",
      "section{margin:22px 0;padding-top:6px;border-top:1px solid var(--line)}",
      "h2{font-size:18px;margin:10px 0}",
      "h3{font-size:15px;margin:14px 0 6px}",
      "h4{font-size:11px;text-transform:uppercase;letter-spacing:.05em;color:var(--muted);margin:8px 0 2px}",
      "table{border-collapse:collapse;margin:4px 0}",
      "th,td{text-align:left;padding:3px 8px;border-bottom:1px solid var(--line);vertical-align:top}",
      "td.num,th.num{text-align:right;font-variant-numeric:tabular-nums}",
      "td.zero{color:var(--muted)}",
      "table.kv th{font-weight:600;color:var(--muted);white-space:nowrap}",
      "table.kv,table.grid{font-size:13px}",
      "table.kv table{margin:0}",
      "td.path{font-family:ui-monospace,monospace;word-break:break-all}",
      "tr.errors td{border-bottom:none;color:var(--warn);font-size:13px}",
      ".sev-error{color:var(--err)}.sev-warning{color:var(--warn)}.sev-info{color:var(--info)}",
      ".badge{display:inline-block;border:1px solid currentColor;border-radius:9px;padding:0 7px;font-size:11px;"
          + "font-weight:600;text-transform:uppercase}",
      "details.rule{margin:10px 0;border:1px solid var(--line);border-radius:6px;padding:4px 10px;"
          + "background:var(--card)}",
      "details.rule>summary{cursor:pointer;padding:4px 0;font-weight:600}",
      "article.finding{border-left:4px solid currentColor;margin:10px 0;padding:4px 12px;background:var(--bg);"
          + "color:inherit}",
      "article.finding.sev-error{border-left-color:var(--err)}",
      "article.finding.sev-warning{border-left-color:var(--warn)}",
      "article.finding.sev-info{border-left-color:var(--info)}",
      "article.finding p.message{margin:4px 0;color:var(--fg);font-weight:500;overflow-wrap:anywhere}",
      "article.finding .str{overflow-wrap:anywhere}",
      "article.finding{color:var(--fg)}",
      "p.hint{margin:6px 0;color:var(--fg)}p.hint strong{color:var(--ok)}",
      "ul.inline{list-style:none;margin:0;padding:0;display:flex;flex-wrap:wrap;gap:4px 10px}",
      ".null{color:var(--muted)}.num{font-variant-numeric:tabular-nums}",
      "p.clean{color:var(--ok);font-weight:600}",
      ".charts{margin:8px 0 14px}",
      "figure{margin:12px 0;padding:8px;border:1px solid var(--line);border-radius:6px;overflow-x:auto}",
      "figcaption{font-size:13px;margin-bottom:6px}",
      "svg text{font:12px system-ui,sans-serif;fill:var(--fg)}",
      "svg .axis{stroke:var(--line)}svg .tick{fill:var(--muted);font-size:10px}",
      "svg .span{stroke:none}svg .broken{stroke:var(--err);stroke-width:3}",
      "svg .missing{fill:none;stroke:var(--err);stroke-width:1.5;stroke-dasharray:5 3}",
      "svg .bound{stroke:var(--err);stroke-dasharray:3 3}",
      "svg .mark{fill:var(--err);font-weight:600}",
      "svg .bar-error{fill:var(--err)}svg .bar-warning{fill:var(--warn)}svg .bar-info{fill:var(--info)}",
      "@media print{details.rule{break-inside:avoid}nav{display:none}}",
      "");

  private Style() {}
}
