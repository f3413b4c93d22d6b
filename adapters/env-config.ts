/**
 * Reading a stage's settings from the environment the stack sets (names in shared/runtime-config.ts), one way
 * for every stage: each setting has a small rule, a blank value counts as unset, and every problem is listed
 * at once instead of the first alone.
 */

export type Env = Readonly<Record<string, string | undefined>>;

export type EnvConfig<T> = { ok: true; config: T } | { ok: false; problems: string[] };

/** How one setting is read: its value, or what is wrong with it. */
export type Setting<T> = (env: Env) => { ok: true; value: T } | { ok: false; problem: string };

function valueOf(env: Env, name: string): string {
  return env[name]?.trim() ?? '';
}

/** A setting that must be there. */
export function required(name: string): Setting<string> {
  return (env) => {
    const value = valueOf(env, name);
    return value === '' ? { ok: false, problem: `${name} is not set` } : { ok: true, value };
  };
}

/** A setting that may be left out: null then. */
export function optional(name: string): Setting<string | null> {
  return (env) => {
    const value = valueOf(env, name);
    return { ok: true, value: value === '' ? null : value };
  };
}

/** One of a few words, or the fallback when unset. */
export function oneOf<T extends string>(name: string, values: readonly T[], fallback: T): Setting<T> {
  return (env) => {
    const raw = valueOf(env, name);
    if (raw === '') return { ok: true, value: fallback };
    const value = values.find((v) => v === raw);
    return value === undefined
      ? { ok: false, problem: `${name} must be one of ${values.join(', ')}, not ${JSON.stringify(raw)}` }
      : { ok: true, value };
  };
}

export interface IntegerRange {
  min: number;
  max: number;
  /** What the number counts, for the problem's text: "seconds", "minutes". */
  unit: string;
  /** When the setting is not there. */
  fallback: number;
}

/** A whole number from `min` to `max`, or the fallback when unset. */
export function integerInRange(name: string, range: IntegerRange): Setting<number> {
  return (env) => {
    const raw = valueOf(env, name);
    if (raw === '') return { ok: true, value: range.fallback };
    const value = Number(raw);
    return Number.isInteger(value) && value >= range.min && value <= range.max
      ? { ok: true, value }
      : {
          ok: false,
          problem: `${name} must be a whole number of ${range.unit} from ${range.min} to ${range.max}, not ${JSON.stringify(raw)}`,
        };
  };
}

/** Every setting read by its rule: the config, or all the problems in the order of the settings. */
export function readEnvConfig<T>(env: Env, settings: { [K in keyof T]: Setting<T[K]> }): EnvConfig<T> {
  const problems: string[] = [];
  const config: Partial<T> = {};
  for (const key of Object.keys(settings) as (keyof T)[]) {
    const read = settings[key](env);
    if (read.ok) config[key] = read.value;
    else problems.push(read.problem);
  }
  return problems.length > 0 ? { ok: false, problems } : { ok: true, config: config as T };
}
