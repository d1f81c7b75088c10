/**
 * The static token file (kube-apiserver's --token-auth-file format): one user per line,
 * `token,user,uid[,"group1,group2"]`. Pure parsing; the file is read by the caller.
 */
import type { UserInfo } from '../../registry/types.js';

/** Splits one CSV line, honouring double quotes (and "" inside them). */
export function splitCsv(line: string): string[] {
  const out: string[] = [];
  let cur = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i]!;
    if (quoted) {
      if (ch === '"' && line[i + 1] === '"') {
        cur += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else cur += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      out.push(cur);
      cur = '';
    } else cur += ch;
  }
  out.push(cur);
  return out.map((s) => s.trim());
}

export class TokenFileError extends Error {}

export function parseTokenFile(text: string): Map<string, UserInfo> {
  const tokens = new Map<string, UserInfo>();
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    const [token, name, uid, groups] = splitCsv(line);
    if (!token || !name) throw new TokenFileError(`token file line ${i + 1}: want token,user,uid[,"groups"]`);
    if (tokens.has(token)) throw new TokenFileError(`token file line ${i + 1}: duplicate token`);
    const user: UserInfo = {
      name,
      groups: groups
        ? groups
            .split(',')
            .map((g) => g.trim())
            .filter(Boolean)
        : [],
    };
    if (uid) user.uid = uid;
    tokens.set(token, user);
  });
  return tokens;
}
