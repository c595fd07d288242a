/**
 * A WordPress visitor over HTTP for the Playground test: keeps cookies, follows nothing by itself
 * (each redirect is a step the test looks at), reads form nonces out of admin pages.
 */
export interface WpAnswer {
  status: number;
  location: string | null;
  text: string;
}

export function createWpClient(base: string) {
  const cookies = new Map<string, string>([["wordpress_test_cookie", "WP%20Cookie%20check"]]);
  const remember = (response: Response) => {
    for (const line of response.headers.getSetCookie()) {
      const [pair = ""] = line.split(";");
      const at = pair.indexOf("=");
      const name = pair.slice(0, at);
      const value = pair.slice(at + 1);
      if (/expires=Thu, 01 Jan 1970|deleted/i.test(line)) cookies.delete(name);
      else cookies.set(name, value);
    }
  };
  const request = async (method: string, url: string, form?: Record<string, string>): Promise<WpAnswer> => {
    const response = await fetch(url.startsWith("http") ? url : `${base}${url}`, {
      method,
      redirect: "manual",
      headers: {
        cookie: [...cookies].map(([k, v]) => `${k}=${v}`).join("; "),
        ...(form ? { "content-type": "application/x-www-form-urlencoded" } : {}),
      },
      body: form ? new URLSearchParams(form).toString() : undefined,
    });
    remember(response);
    return { status: response.status, location: response.headers.get("location"), text: await response.text() };
  };
  return {
    get: (url: string) => request("GET", url),
    /** A storefront page: WordPress redirects ?p= links to the permalink; follow those. */
    async page(url: string): Promise<WpAnswer> {
      let answer = await request("GET", url);
      for (let hops = 0; hops < 3 && answer.status >= 301 && answer.status <= 308 && answer.location; hops++)
        answer = await request("GET", answer.location);
      return answer;
    },
    post: (url: string, form: Record<string, string>) => request("POST", url, form),
    cookies: () => [...cookies].map(([name, value]) => ({ name, value })),
    async login(user = "admin", password = "password") {
      const answer = await request("POST", "/wp-login.php", {
        log: user,
        pwd: password,
        "wp-submit": "Log In",
        testcookie: "1",
      });
      if (answer.status !== 302) throw new Error(`login failed (${answer.status}): ${answer.text.slice(0, 500)}`);
    },
  };
}

/** The `_wpnonce` of the form whose markup contains `marker` (an action URL or a hidden action). */
export function formNonce(html: string, marker: string): string {
  for (const form of html.match(/<form[\s\S]*?<\/form>/g) ?? []) {
    if (!form.includes(marker)) continue;
    const nonce = /name="_wpnonce" value="([^"]+)"/.exec(form)?.[1];
    if (nonce) return nonce;
  }
  throw new Error(`no form with ${marker} and a nonce`);
}
