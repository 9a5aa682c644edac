/**
 * The relative links of the project's Markdown pages, and what is wrong with them: a link to a file that does
 * not exist, or to a heading the page does not have. Links to the web are not followed (the tests run offline).
 */
import fs from 'node:fs';
import path from 'node:path';

/** One link as written, where it was found. */
export interface MarkdownLink {
  file: string;
  line: number;
  target: string;
}

/** The page's lines with fenced code blocks blanked (line numbers kept). */
function linesOutsideBlocks(text: string): string[] {
  let fenced = false;
  return text.split('\n').map((line) => {
    if (/^\s*(```|~~~)/.test(line)) {
      fenced = !fenced;
      return '';
    }
    return fenced ? '' : line;
  });
}

/** Every link target in a Markdown page: `[text](target)`, and `src`/`href` of inline HTML. */
export function linksOf(file: string): MarkdownLink[] {
  const links: MarkdownLink[] = [];
  linesOutsideBlocks(fs.readFileSync(file, 'utf8')).forEach((line, index) => {
    const text = line.replace(/`[^`]*`/g, '');
    const patterns = [/\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g, /\b(?:src|href)="([^"]+)"/g];
    for (const pattern of patterns) {
      for (const match of text.matchAll(pattern)) links.push({ file, line: index + 1, target: match[1]! });
    }
  });
  return links;
}

/** The anchor GitHub gives a heading: lower case, punctuation dropped, spaces as hyphens. */
export function headingSlug(heading: string): string {
  return heading
    .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/[*`]/g, '')
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s_-]/gu, '')
    .replace(/\s/g, '-');
}

/** The anchors a Markdown page offers (a repeated heading gets -1, -2… as on GitHub). */
export function anchorsOf(file: string): Set<string> {
  const anchors = new Set<string>();
  const seen = new Map<string, number>();
  for (const line of linesOutsideBlocks(fs.readFileSync(file, 'utf8'))) {
    const heading = /^#{1,6}\s+(.*?)\s*#*\s*$/.exec(line);
    if (!heading) continue;
    const slug = headingSlug(heading[1]!);
    const count = seen.get(slug) ?? 0;
    seen.set(slug, count + 1);
    anchors.add(count === 0 ? slug : `${slug}-${count}`);
  }
  return anchors;
}

/** What is wrong with `link`, or undefined when it points at something that exists. */
export function brokenLink(link: MarkdownLink): string | undefined {
  const { target } = link;
  if (/^[a-z][a-z0-9+.-]*:/i.test(target)) return undefined; // https:, mailto: and the like
  const [pathPart = '', anchor] = target.split('#', 2);
  const resolved = pathPart
    ? path.resolve(path.dirname(link.file), decodeURIComponent(pathPart.split('?')[0]!))
    : link.file;
  if (!fs.existsSync(resolved)) return `${target}: no such file`;
  if (anchor && resolved.endsWith('.md') && !anchorsOf(resolved).has(anchor.toLowerCase())) {
    return `${target}: ${path.basename(resolved)} has no heading with that anchor`;
  }
  return undefined;
}
