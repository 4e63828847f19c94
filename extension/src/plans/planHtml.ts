// The plan view's page: plain HTML, CSS and SVG made here, no script, no remote content, a strict CSP.
// Pure, so that tests can read what a user sees.
import type { PlanTreeNode, StatementPlanResult } from './protocol';

const nodeWidth = 220;
const nodeHeight = 58;
const gapX = 24;
const gapY = 34;

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c);
}

interface Placed {
  node: PlanTreeNode;
  x: number;
  y: number;
}

/** Leaves side by side, a parent centred over its children: a tidy tree, root at the top. */
function layout(root: PlanTreeNode): { placed: Placed[]; width: number; height: number } {
  const placed: Placed[] = [];
  let nextLeft = 0;
  let depthMax = 0;
  const walk = (node: PlanTreeNode, depth: number): number => {
    depthMax = Math.max(depthMax, depth);
    let x: number;
    if (node.children.length === 0) {
      x = nextLeft;
      nextLeft += nodeWidth + gapX;
    } else {
      const xs = node.children.map((c) => walk(c, depth + 1));
      x = (xs[0] + xs[xs.length - 1]) / 2;
    }
    placed.push({ node, x, y: depth * (nodeHeight + gapY) });
    return x;
  };
  walk(root, 0);
  return { placed, width: Math.max(nextLeft - gapX, nodeWidth), height: (depthMax + 1) * (nodeHeight + gapY) - gapY };
}

function formatNumber(value: number | null): string {
  if (value === null) return '?';
  if (value >= 1e6) return `${(value / 1e6).toFixed(1)}M`;
  if (value >= 1e3) return `${(value / 1e3).toFixed(1)}k`;
  return value.toFixed(value < 10 && value % 1 !== 0 ? 2 : 0);
}

/** One plan as an SVG tree: node type, table/index, estimated rows, cost share as a bar; the finding's node marked. */
export function planSvg(root: PlanTreeNode, title: string): string {
  const { placed, width, height } = layout(root);
  const byId = new Map(placed.map((p) => [p.node.id, p]));
  const edges = placed.flatMap((p) =>
    p.node.children.map((c) => {
      const child = byId.get(c.id)!;
      return `<line x1="${p.x + nodeWidth / 2}" y1="${p.y + nodeHeight}" x2="${child.x + nodeWidth / 2}" y2="${child.y}" class="edge"/>`;
    }),
  );
  const boxes = placed.map(({ node, x, y }) => {
    const share = Math.round(node.costShare * 100);
    const target = [node.relation, node.index ? `using ${node.index}` : null].filter(Boolean).join(' ');
    const cls = node.highlighted ? 'node highlighted' : 'node';
    return (
      `<g class="${cls}" data-node-id="${node.id}"${node.highlighted ? ' data-highlighted="true"' : ''}>` +
      `<title>${escapeHtml(`${node.nodeType} ${target}; rows ${formatNumber(node.rows)}; cost ${formatNumber(node.cost)} (${share}% own)`)}</title>` +
      `<rect x="${x}" y="${y}" width="${nodeWidth}" height="${nodeHeight}" rx="6"/>` +
      `<rect class="share" x="${x}" y="${y + nodeHeight - 6}" width="${(nodeWidth * Math.min(1, node.costShare)).toFixed(1)}" height="6" rx="2"/>` +
      `<text x="${x + 8}" y="${y + 18}" class="type">${escapeHtml(node.nodeType)}${node.highlighted ? ' ⚠' : ''}</text>` +
      `<text x="${x + 8}" y="${y + 34}" class="target">${escapeHtml(target.length > 34 ? target.slice(0, 33) + '…' : target)}</text>` +
      `<text x="${x + 8}" y="${y + 48}" class="figures">rows ${formatNumber(node.rows)} · ${share}% of cost</text>` +
      `</g>`
    );
  });
  return (
    `<section><h2>${escapeHtml(title)}</h2>` +
    `<svg role="img" aria-label="${escapeHtml(title)}" width="${width + 2}" height="${height + 2}" viewBox="-1 -1 ${width + 2} ${height + 2}">` +
    `${edges.join('')}${boxes.join('')}</svg></section>`
  );
}

/** The whole page; `cspSource` is the webview's own source (no remote content is ever allowed). */
export function planPageHtml(result: StatementPlanResult, cspSource: string): string {
  const csp = `default-src 'none'; img-src ${cspSource} data:; style-src 'unsafe-inline'; script-src 'none'; font-src ${cspSource};`;
  const highlighted = result.before ? findHighlighted(result.before) : null;
  const body = !result.ok
    ? `<p class="message">${escapeHtml(result.message ?? 'No plan.')}</p>`
    : [
        `<pre class="sql">${escapeHtml(result.sql ?? '')}</pre>`,
        highlighted
          ? `<p class="finding">The finding is about: <strong id="highlighted-node">${escapeHtml(highlighted.nodeType)}${highlighted.relation ? ' on ' + escapeHtml(highlighted.relation) : ''}</strong></p>`
          : '',
        result.before ? planSvg(result.before, `Plan now (${result.engine ?? 'database'}, estimated cost ${formatNumber(result.before.cost)})`) : '',
        result.after
          ? planSvg(result.after, `Plan with the proposed indexes (hypothetical, nothing built; estimated cost ${formatNumber(result.after.cost)})`)
          : '',
        result.indexes.length > 0 ? `<h2>Proposed indexes</h2><pre class="sql">${escapeHtml(result.indexes.join('\n'))}</pre>` : '',
        result.message ? `<p class="message">${escapeHtml(result.message)}</p>` : '',
      ].join('\n');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<title>DbAgent plan</title>
<style>
  body { font-family: var(--vscode-font-family, sans-serif); color: var(--vscode-foreground, #222); padding: 0 12px; }
  h2 { font-size: 1.05em; margin: 18px 0 6px; }
  pre.sql { background: var(--vscode-textCodeBlock-background, #f4f4f4); padding: 8px; white-space: pre-wrap; }
  .edge { stroke: var(--vscode-editorIndentGuide-background, #999); stroke-width: 1.5; }
  .node rect { fill: var(--vscode-editor-background, #fff); stroke: var(--vscode-editorWidget-border, #888); }
  .node rect.share { fill: var(--vscode-charts-blue, #3a7bd5); stroke: none; }
  .node.highlighted rect { stroke: var(--vscode-editorWarning-foreground, #d18616); stroke-width: 3; }
  .node.highlighted rect.share { fill: var(--vscode-editorWarning-foreground, #d18616); }
  text { fill: var(--vscode-foreground, #222); font-size: 12px; }
  text.type { font-weight: bold; }
  text.figures, text.target { font-size: 11px; opacity: 0.85; }
  .message { opacity: 0.85; }
</style>
</head>
<body>
<h1>Plan</h1>
${body}
</body>
</html>`;
}

function findHighlighted(node: PlanTreeNode): PlanTreeNode | null {
  if (node.highlighted) return node;
  for (const c of node.children) {
    const found = findHighlighted(c);
    if (found) return found;
  }
  return null;
}
