// The sign-in page: a plain form that works without JavaScript.
import { redirect } from "next/navigation";
import { currentPrincipal, safeNextPath } from "../../_server/auth";

export const metadata = { title: "Sign in" };

export const dynamic = "force-dynamic";

export default async function LoginPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const sp = await searchParams;
  const next = safeNextPath(sp.next);
  if (await currentPrincipal()) redirect(next);
  const error = typeof sp.error === "string" ? sp.error : undefined;
  const username = typeof sp.username === "string" ? sp.username.slice(0, 200) : "";
  return (
    <div className="login-wrap">
      <form className="login panel" method="post" action="/api/auth/login" aria-label="Sign in">
        <h1>Talon</h1>
        <p className="sub">Sign in to your workspace</p>
        {error ? (
          <p className="notice error" role="alert">
            {error}
          </p>
        ) : null}
        <input type="hidden" name="next" value={next} />
        <label>
          User name
          <input name="username" autoComplete="username" required autoFocus={!username} defaultValue={username} />
        </label>
        <label>
          Password
          <input name="password" type="password" autoComplete="current-password" required autoFocus={Boolean(username)} />
        </label>
        <button className="primary" type="submit">
          Sign in
        </button>
      </form>
    </div>
  );
}
