/**
 * A program's or a writer's placeholder where a kernel line has a value: a printf conversion (`%s`, `%*pbl`,
 * `%#x`: the kernel's own formats), an interpolation (`{flags}`, `{}`, `${gfp}`), a doc's `<memcg>`. No value the
 * kernel prints holds one: a gfp_mask is hex and the upper-case names of its flags (`0xcc0(GFP_KERNEL)`), a cgroup
 * a path, a constraint a `CONSTRAINT_…` name. A line whose values hold one is a template, not a kernel's line.
 */
const PLACEHOLDER = /%[-+#0*.\d]{0,6}[A-Za-z]|\{[^{}]{0,40}\}|<[^<>\s]{1,40}>/;

export function holdsPlaceholder(value: string): boolean {
  return PLACEHOLDER.test(value);
}

/**
 * A placeholder where a header's value starts, or inside its gfp_mask's parentheses (`0xcc0({flags})`, `%#x(%pGg)`,
 * `order={}`, `${adj}`): not a writer's markup after a whole value (`oom_score_adj=936<br>`, `…</code>`).
 */
const PLACEHOLDER_FIRST =
  /^(?:0x[0-9a-fA-F]{1,16}\()?(?:%[-+#0*.\d]{0,6}[A-Za-z]|\$?\{[^{}]{0,40}\}|<[^<>\s]{1,40}>)/;

export function startsWithPlaceholder(value: string): boolean {
  return PLACEHOLDER_FIRST.test(value);
}
