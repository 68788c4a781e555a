/**
 * Output a doc shows beside a command as a `# …` comment holding JSON: `curl -s $H/healthz   # {"status":"ok"}`, or
 * a comment line of its own under the command (`# 200 {"mId":"…"}`). `…` stands for what varies (ids, times), so the
 * expectation is the JSON's pieces between the `…`s, which must appear in that order in what the block printed.
 */
export interface ExpectedOutput {
  /** The comment as written, for messages. */
  comment: string;
  fragments: string[];
}

export function expectedOutputs(shellBlock: string): ExpectedOutput[] {
  const expectations: ExpectedOutput[] = [];
  for (const line of shellBlock.split('\n')) {
    const hash = line.search(/(^|\s)# /);
    if (hash < 0) continue;
    const comment = line.slice(hash).trim().replace(/^# (prints )?(\d{3} )?/, '');
    if (!/^[[{]/.test(comment)) continue;
    const end = Math.max(comment.lastIndexOf('}'), comment.lastIndexOf(']'));
    const json = comment.slice(0, end + 1);
    expectations.push({ comment: json, fragments: json.split('…').filter((piece) => piece !== '') });
  }
  return expectations;
}

/** The first fragment not found in order, or undefined when every one is there. */
export function missingFragment(output: string, expected: ExpectedOutput): string | undefined {
  let from = 0;
  for (const fragment of expected.fragments) {
    const at = output.indexOf(fragment, from);
    if (at < 0) return fragment;
    from = at + fragment.length;
  }
  return undefined;
}
