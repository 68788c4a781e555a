/**
 * The fenced code blocks of a Markdown file, with the `<!-- docs-test: … -->` marker right before each (if any).
 * Only shell (sh, bash) and TypeScript (ts) blocks are examples to run; other fences (text, json, none) are shown
 * output and are returned too, so a caller can pair a command with the output shown under it.
 */
export type BlockMode = { kind: 'run' } | { kind: 'background' } | { kind: 'skip'; reason: string } | { kind: 'invalid'; marker: string };

export interface MarkdownBlock {
  lang: string;
  code: string;
  /** 1-based line of the opening fence, for messages. */
  line: number;
  mode: BlockMode;
}

const MARKER = /^<!--\s*docs-test:\s*(.*?)\s*-->\s*$/;

/** `skip — reason` (an em dash, or `-`/`:`) needs a reason; `background` takes none; anything else is invalid. */
export function parseMarker(text: string): BlockMode {
  if (text === 'background') return { kind: 'background' };
  const skip = /^skip\s*(?:—|-|:)\s*(\S.*)$/.exec(text);
  if (skip?.[1]) return { kind: 'skip', reason: skip[1] };
  return { kind: 'invalid', marker: text };
}

export function extractBlocks(markdown: string): MarkdownBlock[] {
  const lines = markdown.split('\n');
  const blocks: MarkdownBlock[] = [];
  let pendingMarker: BlockMode | undefined;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? '';
    const marker = MARKER.exec(line);
    if (marker) {
      pendingMarker = parseMarker(marker[1] ?? '');
      continue;
    }
    const fence = /^```(\S*)\s*$/.exec(line);
    if (!fence) {
      // Only blank lines may stand between a marker and its block.
      if (line.trim() !== '') pendingMarker = undefined;
      continue;
    }
    const start = i;
    const body: string[] = [];
    for (i++; i < lines.length && !/^```\s*$/.test(lines[i] ?? ''); i++) body.push(lines[i] ?? '');
    blocks.push({ lang: fence[1] ?? '', code: `${body.join('\n')}\n`, line: start + 1, mode: pendingMarker ?? { kind: 'run' } });
    pendingMarker = undefined;
  }
  return blocks;
}

export const isShell = (block: MarkdownBlock): boolean => block.lang === 'sh' || block.lang === 'bash';
export const isTypeScript = (block: MarkdownBlock): boolean => block.lang === 'ts' || block.lang === 'typescript';
