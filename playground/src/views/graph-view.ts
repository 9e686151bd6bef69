// Draws a ModelGraph as SVG: boxes laid out top to bottom by dagre, block
// instances as framed groups that collapse to one box on a click of their
// header, and a click on a layer selecting its source.
import { Graph, layout } from "@dagrejs/dagre";
import { collapse, type GraphBox, type ModelGraph } from "../language/graph.ts";

const SVG = "http://www.w3.org/2000/svg";
const BOX_W = 190;
const BOX_H = 52;
const grouped = (n: number) => n.toLocaleString("en-US");

function el<K extends keyof SVGElementTagNameMap>(name: K, attrs: Record<string, string | number>, parent: Element): SVGElementTagNameMap[K] {
  const e = document.createElementNS(SVG, name);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, String(v));
  parent.appendChild(e);
  return e;
}

export class GraphView {
  private graph: ModelGraph | undefined;
  /** Collapsed instances, by group id; kept across edits so the view does not jump. */
  private readonly collapsed = new Set<string>();

  constructor(
    private readonly host: HTMLElement,
    private readonly onSelect: (start: number, end: number) => void,
  ) {}

  show(graph: ModelGraph): void {
    this.graph = graph;
    this.render();
  }

  private toggle(group: string): void {
    if (this.collapsed.has(group)) this.collapsed.delete(group);
    else this.collapsed.add(group);
    this.render();
  }

  private render(): void {
    this.host.replaceChildren();
    if (!this.graph) return;
    const view = collapse(this.graph, this.collapsed);
    const g = new Graph({ compound: true });
    // Rank gaps leave room for a group's header, drawn just above its frame.
    g.setGraph({ rankdir: "TB", nodesep: 24, ranksep: 36, marginx: 12, marginy: 24 });
    g.setDefaultEdgeLabel(() => ({}));
    for (const grp of view.groups) g.setNode(grp.id, {});
    for (const grp of view.groups) if (grp.parent) g.setParent(grp.id, grp.parent);
    for (const b of view.boxes) {
      g.setNode(b.id, { width: BOX_W, height: BOX_H });
      if (b.group) g.setParent(b.id, b.group);
    }
    for (const e of view.edges) g.setEdge(e.from, e.to);
    layout(g);
    const { width = 0, height = 0 } = g.graph() as { width?: number; height?: number };
    const svg = el("svg", { width, height, viewBox: `0 0 ${width} ${height}`, class: "graph" }, this.host);
    const defs = el("defs", {}, svg);
    const marker = el("marker", { id: "arrow", viewBox: "0 0 10 10", refX: 10, refY: 5, markerWidth: 7, markerHeight: 7, orient: "auto" }, defs);
    el("path", { d: "M0,0 L10,5 L0,10 z", class: "arrowhead" }, marker);
    for (const grp of view.groups) {
      const n = g.node(grp.id) as { x: number; y: number; width: number; height: number };
      const frame = el("g", { class: "group", "data-group": grp.id }, svg);
      el("rect", { x: n.x - n.width / 2, y: n.y - n.height / 2, width: n.width, height: n.height, rx: 8 }, frame);
      const header = el("text", { x: n.x - n.width / 2 + 4, y: n.y - n.height / 2 - 5, class: "group-header" }, frame);
      header.textContent = `▾ ${grp.id.slice("group:".length)} : ${grp.block}`;
      header.addEventListener("click", () => this.toggle(grp.id));
    }
    for (const e of g.edges()) {
      const points = (g.edge(e) as { points: { x: number; y: number }[] }).points;
      el("path", { d: points.map((p, i) => `${i ? "L" : "M"}${p.x},${p.y}`).join(" "), class: "edge", "marker-end": "url(#arrow)" }, svg);
    }
    for (const b of view.boxes) this.drawBox(svg, b, g.node(b.id) as { x: number; y: number });
  }

  private drawBox(svg: SVGSVGElement, b: GraphBox, at: { x: number; y: number }): void {
    const collapsedGroup = b.id.startsWith("group:");
    const box = el("g", { class: `box kind-${b.kind}${collapsedGroup ? " collapsed" : ""}${b.output ? " output" : ""}`, "data-name": b.name, transform: `translate(${at.x - BOX_W / 2},${at.y - BOX_H / 2})` }, svg);
    el("rect", { width: BOX_W, height: BOX_H, rx: 6 }, box);
    const title = el("text", { x: 8, y: 17, class: "box-title" }, box);
    const io = b.kind === "input" || b.kind === "target";
    // Inside a group its header names the instance: the box shows the layer's own name.
    const local = b.group ? b.name.slice(b.group.length - "group:".length + 1) : b.name;
    title.textContent = collapsedGroup ? `▸ ${local}` : io ? `${b.kind} ${b.name}` : local;
    const kind = el("text", { x: 8, y: 32, class: "box-kind" }, box);
    kind.textContent = io ? "" : collapsedGroup ? `block ${b.kind}` : b.kind;
    const shape = el("text", { x: 8, y: 46, class: "box-shape" }, box);
    shape.textContent = `${b.shape}${b.params ? `  ·  ${grouped(b.params)} params` : ""}`;
    // A collapsed instance opens from its title; anywhere else a click selects the source.
    if (collapsedGroup)
      title.addEventListener("click", (e) => {
        e.stopPropagation();
        this.toggle(b.id);
      });
    box.addEventListener("click", () => this.onSelect(b.start, b.end));
  }
}
