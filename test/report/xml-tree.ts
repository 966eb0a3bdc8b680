/**
 * A strict XML parser for the report's tests: the report is written as well-formed markup (polyglot HTML), so a
 * parse that throws on any unclosed or mismatched tag, unquoted attribute, bare `&` or `<`, or unknown entity
 * proves it well-formed; the tree it returns lets the tests find sections, charts and figure cells.
 */
export interface Node {
  name: string;
  attrs: Record<string, string>;
  children: Node[];
  text: string; // the element's own text, entities decoded
}

const ENTITIES: Record<string, string> = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'" };

function decode(s: string, at: number): string {
  return s.replace(/&([^;\s]*);?/g, (m, name: string) => {
    if (!m.endsWith(";")) throw new Error(`bare & near offset ${at}`);
    if (name.startsWith("#x")) return String.fromCodePoint(parseInt(name.slice(2), 16));
    if (name.startsWith("#")) return String.fromCodePoint(Number(name.slice(1)));
    if (!(name in ENTITIES)) throw new Error(`unknown entity &${name}; near offset ${at}`);
    return ENTITIES[name];
  });
}

export function parseXml(src: string): Node {
  const root: Node = { name: "#document", attrs: {}, children: [], text: "" };
  const stack: Node[] = [root];
  let i = 0;
  const addText = (t: string, at: number) => {
    if (t.indexOf("<") >= 0) throw new Error(`bare < near offset ${at}`);
    stack[stack.length - 1].text += decode(t, at);
  };
  while (i < src.length) {
    const lt = src.indexOf("<", i);
    if (lt < 0) {
      addText(src.slice(i), i);
      break;
    }
    addText(src.slice(i, lt), i);
    if (src.startsWith("<!--", lt)) {
      const end = src.indexOf("-->", lt);
      if (end < 0) throw new Error(`unclosed comment at ${lt}`);
      i = end + 3;
    } else if (src.startsWith("<!DOCTYPE", lt)) {
      i = src.indexOf(">", lt) + 1;
    } else if (src[lt + 1] === "/") {
      const end = src.indexOf(">", lt);
      const name = src.slice(lt + 2, end).trim();
      const top = stack.pop();
      if (!top || top.name !== name) throw new Error(`</${name}> at ${lt} closes <${top?.name}>`);
      i = end + 1;
    } else {
      const tag = /<([a-zA-Z][\w:-]*)((?:\s+[\w:-]+="[^"<]*")*)\s*(\/?)>/y;
      tag.lastIndex = lt;
      const m = tag.exec(src);
      if (!m) throw new Error(`malformed tag at ${lt}: ${src.slice(lt, lt + 60)}`);
      const attrs: Record<string, string> = {};
      for (const a of m[2].matchAll(/([\w:-]+)="([^"]*)"/g)) {
        if (a[1] in attrs) throw new Error(`duplicate attribute ${a[1]} at ${lt}`);
        attrs[a[1]] = decode(a[2], lt);
      }
      const node: Node = { name: m[1], attrs, children: [], text: "" };
      stack[stack.length - 1].children.push(node);
      if (!m[3]) stack.push(node);
      i = lt + m[0].length;
    }
  }
  if (stack.length !== 1) throw new Error(`unclosed <${stack[stack.length - 1].name}>`);
  return root;
}

/** Every element below n (depth first, document order) that matches. */
export function findAll(n: Node, pred: (x: Node) => boolean): Node[] {
  const out: Node[] = [];
  const walk = (x: Node) => {
    for (const c of x.children) {
      if (pred(c)) out.push(c);
      walk(c);
    }
  };
  walk(n);
  return out;
}

/** All text inside n, children included, in document order. */
export function textOf(n: Node): string {
  // own text is collected without positions, so concatenate own text then children (enough for leaf cells)
  return n.text + n.children.map(textOf).join("");
}
