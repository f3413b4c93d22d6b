/**
 * Report header, every kernel:
 * `<comm> invoked oom-killer: gfp_mask=…, [nodemask=…,] order=N, [oom_adj=N,] oom_score_adj=N`.
 */
import { toInt } from './message-fields.ts';
import type { Recognizer } from './recognizer.ts';

export interface InvokedLine {
  kind: 'invoked';
  name: string;
  gfpMask: string | null;
  order: number | null;
  oomScoreAdj: number | null;
}

const INVOKED = ' invoked oom-killer: ';

export const invokedLine: Recognizer<InvokedLine> = {
  name: 'invoked',
  marker: INVOKED,
  read(text) {
    const at = text.indexOf(INVOKED);
    if (at <= 0) return null;
    const fields = new Map<string, string>();
    for (const part of text.slice(at + INVOKED.length).split(', ')) {
      const eq = part.indexOf('=');
      if (eq > 0) fields.set(part.slice(0, eq), part.slice(eq + 1));
    }
    return {
      kind: 'invoked',
      name: text.slice(0, at),
      gfpMask: fields.get('gfp_mask') ?? null,
      order: toInt(fields.get('order')),
      oomScoreAdj: toInt(fields.get('oom_score_adj')),
    };
  },
};
