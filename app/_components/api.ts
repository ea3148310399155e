// Browser-side JSON calls to our route handlers; errors carry the server's message.
export async function callApi<T = unknown>(method: string, url: string, body?: unknown): Promise<T> {
  const res = await fetch(url, {
    method,
    headers: body === undefined ? undefined : { "Content-Type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
    credentials: "same-origin",
  });
  const text = await res.text();
  let data: unknown = undefined;
  try {
    data = text ? JSON.parse(text) : undefined;
  } catch {
    // not JSON
  }
  if (!res.ok) {
    const message = (data as { message?: string } | undefined)?.message ?? `${res.status} ${res.statusText}`;
    throw new Error(message);
  }
  return data as T;
}
