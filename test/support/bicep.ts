/**
 * Bicep files read by a real parser, offline: the Bicep grammar for tree-sitter (npm tree-sitter-bicep, its
 * WebAssembly build) run by web-tree-sitter. It checks syntax, not types: the Bicep compiler itself is a .NET
 * binary that the toolkit downloads at deployment time.
 */
import fs from 'node:fs';
import { Language, Parser, type Node, type Tree } from 'web-tree-sitter';

let parser: Promise<Parser> | undefined;

async function bicepParser(): Promise<Parser> {
  await Parser.init();
  const language = await Language.load(require.resolve('tree-sitter-bicep/tree-sitter-bicep.wasm'));
  const created = new Parser();
  created.setLanguage(language);
  return created;
}

export interface BicepParam {
  name: string;
  type: string;
  hasDefault: boolean;
  /** The decorators' source text, e.g. `@secure()`. */
  decorators: string[];
}

export interface BicepFile {
  tree: Tree;
  /** Where the parser found syntax it does not accept (empty for a valid file). */
  syntaxErrors: string[];
  params: BicepParam[];
  /** The string values of every `{ name: '…', value: … }` pair (app settings), by name: the value's source. */
  nameValuePairs: Map<string, string>;
}

function syntaxErrorsOf(root: Node): string[] {
  const errors: string[] = [];
  const visit = (node: Node) => {
    if (node.isError || node.isMissing) {
      const { row, column } = node.startPosition;
      errors.push(
        `${row + 1}:${column + 1} ${node.isMissing ? `missing ${node.type}` : `unexpected ${JSON.stringify(node.text.slice(0, 40))}`}`,
      );
    }
    if (node.hasError) node.children.forEach((child) => child && visit(child));
  };
  visit(root);
  return errors;
}

function stringValue(node: Node | null | undefined): string | undefined {
  if (node?.type !== 'string') return undefined;
  return node.namedChildren.map((part) => part?.text ?? '').join('');
}

export async function parseBicep(source: string): Promise<BicepFile> {
  parser ??= bicepParser();
  const tree = (await parser).parse(source);
  if (!tree) throw new Error('the Bicep parser returned nothing');
  const root = tree.rootNode;
  const top = root.children.filter((node): node is Node => node !== null);
  const params: BicepParam[] = [];
  top.forEach((node, index) => {
    if (node.type !== 'parameter_declaration') return;
    const before = top[index - 1];
    params.push({
      name: node.child(1)?.text ?? '',
      type: node.child(2)?.text ?? '',
      hasDefault: node.children.some((child) => child?.type === '='),
      decorators:
        before?.type === 'decorators' ? before.namedChildren.map((d) => d?.text ?? '').filter(Boolean) : [],
    });
  });
  const nameValuePairs = new Map<string, string>();
  for (const object of root.descendantsOfType('object')) {
    const properties = new Map(
      (object?.namedChildren ?? [])
        .filter((p): p is Node => p?.type === 'object_property')
        .map((p) => [p.child(0)?.text ?? '', p.child(2)] as const),
    );
    const name = stringValue(properties.get('name'));
    const value = properties.get('value');
    if (name !== undefined && value) nameValuePairs.set(name, value.text);
  }
  return { tree, syntaxErrors: syntaxErrorsOf(root), params, nameValuePairs };
}

export function parseBicepFile(file: string): Promise<BicepFile> {
  return parseBicep(fs.readFileSync(file, 'utf8'));
}
