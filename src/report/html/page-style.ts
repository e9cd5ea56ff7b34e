/**
 * The page's stylesheet, inlined in a <style> element: the page must open
 * from a file with no network, so no web fonts, no icons, no framework. The
 * system font stack looks native everywhere; print drops the navigation.
 */
export const PAGE_STYLE = `
:root {
  --ink: #1d2330; --muted: #5b6472; --line: #e3e6eb; --paper: #ffffff; --wash: #f6f7f9;
  --good: #2e7d32; --good-wash: #e8f5e9; --bad: #c62828; --bad-wash: #fdecea;
  --warn: #b45309; --warn-wash: #fff4e5; --info: #1f6fb2; --info-wash: #e8f1fa;
}
* { box-sizing: border-box; }
body {
  margin: 0; background: var(--wash); color: var(--ink);
  font: 14px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, Helvetica, Arial, sans-serif;
}
main { max-width: 1040px; margin: 0 auto; padding: 24px 24px 48px; }
header.outcome {
  background: var(--paper); border: 1px solid var(--line); border-left: 6px solid var(--muted);
  border-radius: 6px; padding: 16px 20px; margin-bottom: 16px;
}
header.outcome.good { border-left-color: var(--good); }
header.outcome.bad { border-left-color: var(--bad); }
header.outcome.warn { border-left-color: var(--warn); }
h1 { font-size: 22px; margin: 0 0 6px; }
h2 { font-size: 18px; margin: 0 0 12px; padding-bottom: 6px; border-bottom: 1px solid var(--line); }
h3 { font-size: 15px; margin: 20px 0 8px; }
.headline { font-size: 16px; font-weight: 600; margin: 0 0 12px; }
nav { margin: 0 0 16px; font-size: 13px; }
nav a { color: var(--info); margin-right: 14px; text-decoration: none; white-space: nowrap; }
nav a:hover { text-decoration: underline; }
section {
  background: var(--paper); border: 1px solid var(--line); border-radius: 6px;
  padding: 16px 20px; margin-bottom: 16px;
}
.table-wrap { overflow-x: auto; margin: 8px 0 12px; }
table { border-collapse: collapse; width: 100%; font-size: 13px; }
th, td { padding: 5px 10px; border-bottom: 1px solid var(--line); text-align: left; vertical-align: top; }
th { background: var(--wash); font-weight: 600; white-space: nowrap; }
tbody tr:nth-child(even) td { background: #fafbfc; }
.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: 4px 16px; margin: 8px 0 12px; }
dl.facts dt { color: var(--muted); }
dl.facts dd { margin: 0; overflow-wrap: anywhere; }
code, pre { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: 12px; }
code { background: var(--wash); padding: 1px 4px; border-radius: 3px; }
pre { background: var(--wash); padding: 10px; border-radius: 4px; overflow-x: auto; white-space: pre-wrap; }
.empty { color: var(--muted); font-style: italic; }
.note { color: var(--muted); font-size: 13px; }
.badge {
  display: inline-block; padding: 0 7px; border-radius: 9px; font-size: 12px; font-weight: 600;
  line-height: 18px;
}
.badge.pass { background: var(--good-wash); color: var(--good); }
.badge.fail { background: var(--bad-wash); color: var(--bad); }
.status { font-weight: 600; }
.status-done, .status-Approved { color: var(--good); }
.status-failed, .status-Rejected { color: var(--bad); }
.status-running, .status-PendingManualApproval { color: var(--info); }
.status-skipped { color: var(--muted); }
figure.chart { margin: 12px 0 16px; }
figure.chart svg { display: block; max-width: 100%; height: auto; }
figcaption { color: var(--muted); font-size: 13px; margin-top: 4px; }
details { margin: 8px 0; }
summary { cursor: pointer; color: var(--info); }
footer { color: var(--muted); font-size: 12px; text-align: center; }
@media print {
  body { background: white; }
  nav { display: none; }
  section, header.outcome { break-inside: avoid-page; border-color: #ccc; }
}
`;
