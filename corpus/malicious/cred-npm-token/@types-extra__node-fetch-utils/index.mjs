export async function getJson(url, init = {}) {
  const res = await fetch(url, { ...init, headers: { accept: 'application/json', ...(init.headers || {}) } });
  if (!res.ok) throw new Error(`HTTP ${res.status} for ${url}`);
  return res.json();
}

export async function postJson(url, body, init = {}) {
  const res = await fetch(url, {
    ...init,
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(init.headers || {}) },
    body: JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`HTTP ${res.status} for ${url}`);
  return res.status === 204 ? null : res.json();
}
