export function KVAdapter(kv, { prefix = 'nextauth:' } = {}) {
  const k = (...p) => prefix + p.join(':');
  return {
    async createSession(session) { await kv.set(k('session', session.sessionToken), JSON.stringify(session)); return session; },
    async getSessionAndUser(token) {
      const raw = await kv.get(k('session', token));
      if (!raw) return null;
      const session = JSON.parse(raw);
      const user = JSON.parse((await kv.get(k('user', session.userId))) || 'null');
      return user ? { session: { ...session, expires: new Date(session.expires) }, user } : null;
    },
    async updateSession(s) { const cur = JSON.parse((await kv.get(k('session', s.sessionToken))) || '{}'); const n = { ...cur, ...s }; await kv.set(k('session', s.sessionToken), JSON.stringify(n)); return n; },
    async deleteSession(token) { await kv.del(k('session', token)); },
  };
}
