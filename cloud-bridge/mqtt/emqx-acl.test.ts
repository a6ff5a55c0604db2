import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * The EMQX template (city/emqx-acl.conf) has no EMQX peer here (neither npm nor Debian ships EMQX
 * or a validator of its configuration). What can be checked independently: EMQX 5 reads the file
 * with Erlang's own `file:consult/1`, so Debian's Erlang (erlang-base) parses it exactly as EMQX
 * would, and each term must have the shape of a file-authorization rule; and its rules must be
 * those of acl.mosquitto, which the mosquitto tests (cli-identity, cli-mtls) exercise against a
 * real broker. This does not show that EMQX enforces them as mosquitto does.
 */
const CITY = join(import.meta.dirname, 'city');

/** Every rule of emqx-acl.conf as `permission|who|action|topic`, parsed by Erlang. */
function emqxRules(): string[] {
  const script = `
    try
      {ok, Terms} = file:consult("${join(CITY, 'emqx-acl.conf')}"),
      Who = fun(all) -> "all"; ({username, U}) when is_list(U) -> "username:" ++ U; (X) -> throw({bad_who, X}) end,
      Out = fun({P, W, A, Ts}) when (P =:= allow orelse P =:= deny), (A =:= publish orelse A =:= subscribe orelse A =:= all), is_list(Ts) ->
                 [case io_lib:printable_list(T) of true -> io:format("~s|~s|~s|~s~n", [P, Who(W), A, T]); false -> throw({bad_topic, T}) end || T <- Ts];
               ({P, all}) when P =:= allow; P =:= deny -> io:format("~s|all|all|#~n", [P]);
               (X) -> throw({bad_rule, X}) end,
      lists:foreach(Out, Terms),
      halt(0)
    catch C:E -> io:format(standard_error, "~p:~p~n", [C, E]), halt(1)
    end.`;
  return execFileSync('erl', ['-noshell', '-eval', script], { encoding: 'utf8', timeout: 60_000 }).trim().split('\n');
}

/** acl.mosquitto's rules in the same form (%u → \${username}, read → subscribe, write → publish). */
function mosquittoRules(): string[] {
  const out: string[] = [];
  let user: string | undefined;
  for (const raw of readFileSync(join(CITY, 'acl.mosquitto'), 'utf8').split('\n')) {
    const line = raw.trim();
    if (!line || line.startsWith('#')) continue;
    const [word, ...rest] = line.split(/\s+/);
    if (word === 'user') {
      user = rest[0];
      continue;
    }
    const [access, topic] = rest as [string, string];
    const actions = access === 'read' ? ['subscribe'] : access === 'write' ? ['publish'] : ['publish', 'subscribe'];
    const who = word === 'pattern' ? 'all' : `username:${user}`;
    for (const a of actions) out.push(`allow|${who}|${a}|${topic.replace('%u', '${username}')}`);
  }
  return out;
}

describe('the EMQX ACL template (no EMQX peer: parsed by Erlang as EMQX does, compared with the tested mosquitto ACL)', () => {
  it('parses with file:consult, every term a file-authorization rule, the same rules as acl.mosquitto and deny for the rest', () => {
    const rules = emqxRules();
    expect(rules.at(-1)).toBe('deny|all|all|#');
    expect(rules.slice(0, -1).sort()).toEqual(mosquittoRules().sort());
  });
});
