"use client";
// The Collect dialog's favorites: pick one of the user's saved CLIENT collections (their
// artifacts and parameter values fill the dialog) or save the current choice as one, or delete
// the one picked. The same favorites favorites_save()/favorites_list() use (/api/favorites).
import { useCallback, useEffect, useState } from "react";
import { callApi } from "../api";

interface Favorite {
  name: string;
  description: string;
  spec: Array<{ artifact: string; parameters?: { env?: Array<{ key: string; value: string }> } }>;
}

export interface FavoriteChoice {
  artifacts: string[];
  parameters: Record<string, Record<string, string>>;
}

export function CollectFavorites({ current, onPick }: { current: FavoriteChoice; onPick(c: FavoriteChoice): void }) {
  const [favorites, setFavorites] = useState<Favorite[]>([]);
  const [picked, setPicked] = useState("");
  const [name, setName] = useState("");
  const [message, setMessage] = useState("");

  const load = useCallback(() => {
    callApi<{ favorites: Favorite[] }>("GET", "/api/favorites?type=CLIENT").then(
      (r) => setFavorites(r.favorites),
      (e) => setMessage((e as Error).message),
    );
  }, []);
  useEffect(load, [load]);

  function pick(n: string) {
    setPicked(n);
    const f = favorites.find((x) => x.name === n);
    if (!f) return;
    const parameters: Record<string, Record<string, string>> = {};
    for (const s of f.spec) parameters[s.artifact] = Object.fromEntries((s.parameters?.env ?? []).map((e) => [e.key, e.value]));
    onPick({ artifacts: f.spec.map((s) => s.artifact), parameters });
  }

  async function save() {
    setMessage("");
    try {
      const spec = current.artifacts.map((a) => {
        const env = Object.entries(current.parameters[a] ?? {}).map(([key, value]) => ({ key, value }));
        return env.length ? { artifact: a, parameters: { env } } : { artifact: a };
      });
      await callApi("POST", "/api/favorites", { name: name.trim(), type: "CLIENT", spec });
      setMessage(`Saved as favorite ${name.trim()}`);
      setName("");
      load();
    } catch (e) {
      setMessage((e as Error).message);
    }
  }

  async function remove() {
    setMessage("");
    try {
      await callApi("DELETE", `/api/favorites?type=CLIENT&name=${encodeURIComponent(picked)}`);
      setPicked("");
      load();
    } catch (e) {
      setMessage((e as Error).message);
    }
  }

  return (
    <div className="row" data-testid="collect-favorites">
      <label>
        Favorite
        <select value={picked} onChange={(e) => pick(e.target.value)} data-testid="collect-favorite-pick">
          <option value="">{favorites.length ? "Pick a saved collection" : "No favorites yet"}</option>
          {favorites.map((f) => (
            <option key={f.name} value={f.name} title={f.description}>
              {f.name}
            </option>
          ))}
        </select>
      </label>
      {picked ? (
        <button type="button" onClick={() => void remove()} data-testid="collect-favorite-delete">
          Delete favorite
        </button>
      ) : null}
      <label>
        Save as favorite
        <input value={name} onChange={(e) => setName(e.target.value)} placeholder="name" data-testid="collect-favorite-name" />
      </label>
      <button type="button" disabled={!name.trim() || !current.artifacts.length} onClick={() => void save()} data-testid="collect-favorite-save">
        Save as favorite
      </button>
      {message ? <span className="muted" role="status">{message}</span> : null}
    </div>
  );
}
