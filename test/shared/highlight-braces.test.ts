import { describe, expect, it } from 'vitest';
import { withoutHighlightBraces } from '../../shared/highlight-braces.ts';
import { looksLikeOomText, parseKernelLine } from '../../shared/kernel-line.ts';

describe('withoutHighlightBraces', () => {
  it('takes a doc’s double braces off the kernel’s words they highlight (corpus 326)', () => {
    expect(
      withoutHighlightBraces('{{Out of memory: kill process}} 20273 (httpd) score 1285879', looksLikeOomText),
    ).toBe('Out of memory: kill process 20273 (httpd) score 1285879');
    expect(
      withoutHighlightBraces(
        '{{ Memory cgroup out of memory: Killed process }} 1 (a) total-vm:1kB',
        looksLikeOomText,
      ),
    ).toBe('Memory cgroup out of memory: Killed process 1 (a) total-vm:1kB');
    // The same doc highlights values too (`end_request: {{I/O error}}, dev sde, {{sector 52428288}}`).
    expect(withoutHighlightBraces('{{Killed process 1917}} (php-cgi) vsz:467184kB', looksLikeOomText)).toBe(
      'Killed process 1917 (php-cgi) vsz:467184kB',
    );
  });

  it('leaves a template’s expressions, which name no OOM text, and braces that pair with none', () => {
    const kept = [
      // A log generator's template and a C# test's interpolations (index files 61976767152, 68743422359).
      '{{date}} kernel: [{{uptime}}] Out of memory: Killed process {{pid}} (java) total-vm:2048000kB',
      'Out of memory: Killed process {{i}} (proc{{i}}) total-vm:1kB',
      'Kill process {{name}} (PID {{pid}})',
      'Out of memory: Killed process {{ .Pid }} ({{ .Comm }}) total-vm:{{ .TotalVm }}kB',
      // Vim's fold marks.
      '# Kill process {{{3',
      '{{Out of memory: kill process} 1 (a) score 1',
    ];
    expect(kept.map((line) => withoutHighlightBraces(line, looksLikeOomText))).toEqual(kept);
  });
});

describe('parseKernelLine: double braces around the kernel’s words', () => {
  it('reads the line they are taken off (corpus 326)', () => {
    expect(parseKernelLine('{{Out of memory: kill process}} 20273 (httpd) score 1285879')).toEqual({
      kind: 'line',
      line: { kind: 'sacrifice', message: 'Out of memory', pid: 20273, name: 'httpd', score: 1285879 },
    });
  });

  it('reads no template that prints a kernel line with its values as expressions', () => {
    for (const template of [
      '{{date}} kernel: [{{uptime}}] Out of memory: Killed process {{pid}} (java) total-vm:2048000kB',
      '{{ .Prefix }} Out of memory: Killed process {{ .Pid }} (java) total-vm:2048000kB',
      '{{Out of memory: Kill process}} {{ .Pid }} ({{ .Comm }}) score {{ .Score }} or sacrifice child',
    ]) {
      expect(parseKernelLine(template).kind).toBe('unrecognised');
    }
  });

  it('leaves a line that reads with them as it reads', () => {
    expect(parseKernelLine('Out of memory: Killed process 1 ({{oom}}) total-vm:1kB')).toEqual({
      kind: 'line',
      line: expect.objectContaining({ kind: 'kill', pid: 1, name: '{{oom}}' }),
    });
  });
});
