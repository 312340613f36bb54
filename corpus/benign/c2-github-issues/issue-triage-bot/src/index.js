// Minimal GitHub REST client for issue triage. The token and repository come
// from the caller (usually ${{ secrets.GITHUB_TOKEN }} in a workflow).
export class Triage {
  constructor({ token = process.env.GITHUB_TOKEN, repo = process.env.GITHUB_REPOSITORY, api = process.env.GITHUB_API_URL || 'https://api.github.example' } = {}) {
    if (!token || !repo) throw new Error('issue-triage-bot: token and repo are required');
    this.token = token;
    this.repo = repo;
    this.api = api;
  }

  async request(method, path, body) {
    const res = await fetch(`${this.api}/repos/${this.repo}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${this.token}`,
        accept: 'application/vnd.github+json',
        'x-github-api-version': '2022-11-28',
        'content-type': 'application/json',
      },
      body: body ? JSON.stringify(body) : undefined,
    });
    if (!res.ok) throw new Error(`GitHub ${method} ${path}: ${res.status}`);
    return res.status === 204 ? null : res.json();
  }

  comments(issue) { return this.request('GET', `/issues/${issue}/comments?per_page=100`); }
  comment(issue, body) { return this.request('POST', `/issues/${issue}/comments`, { body }); }
  label(issue, labels) { return this.request('POST', `/issues/${issue}/labels`, { labels }); }

  /** Apply labels by keyword rules, e.g. { bug: /crash|exception/i } */
  async triage(issue, rules) {
    const { title, body } = await this.request('GET', `/issues/${issue}`);
    const text = `${title}\n${body || ''}`;
    const labels = Object.entries(rules).filter(([, re]) => re.test(text)).map(([l]) => l);
    if (labels.length) await this.label(issue, labels);
    else await this.comment(issue, 'Thanks for the report! A maintainer will label this soon.');
    return labels;
  }
}
