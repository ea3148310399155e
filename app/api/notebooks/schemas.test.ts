// The notebook list's query and a new notebook's body: defaults, and what is refused.
import { describe, expect, it } from "vitest";
import { CreateNotebook, NotebookListQuery } from "./schemas";

describe("notebook list query", () => {
  it("defaults to every readable notebook, newest change first, 100 from the start", () => {
    expect(NotebookListQuery.parse({})).toEqual({ scope: "all", sort: "modified", limit: 100, offset: 0 });
    expect(NotebookListQuery.parse({ scope: "shared", sort: "name", search: "triage", limit: "25", offset: "50" })).toEqual({ scope: "shared", sort: "name", search: "triage", limit: 25, offset: 50 });
  });

  it("refuses unknown scopes and sorts, and paging outside whole numbers or past 500", () => {
    expect(NotebookListQuery.safeParse({ scope: "everyone" }).success).toBe(false);
    expect(NotebookListQuery.safeParse({ sort: "size" }).success).toBe(false);
    expect(NotebookListQuery.safeParse({ limit: "501" }).success).toBe(false);
    expect(NotebookListQuery.safeParse({ limit: "1.5" }).success).toBe(false);
    expect(NotebookListQuery.safeParse({ offset: "-1" }).success).toBe(false);
  });
});

describe("new notebook body", () => {
  it("needs nothing: a blank, private notebook named by the service", () => {
    expect(CreateNotebook.parse({})).toEqual({ name: "", isPublic: false });
  });

  it("takes the UI's body: a name, a template (empty is none) and parameter values as text", () => {
    expect(CreateNotebook.parse({ name: "Triage", template: "", parameters: {} })).toEqual({ name: "Triage", parameters: {}, isPublic: false });
    expect(CreateNotebook.parse({ name: "Triage", template: "blank", parameters: { Host: "web1", Days: 7, Deep: true } })).toEqual({
      name: "Triage",
      template: "blank",
      parameters: { Host: "web1", Days: "7", Deep: "true" },
      isPublic: false,
    });
    expect(CreateNotebook.parse({ name: "Shared", description: "d", collaborators: ["bob"], isPublic: true })).toEqual({ name: "Shared", description: "d", collaborators: ["bob"], isPublic: true });
  });

  it("refuses wrong types and overlong text", () => {
    expect(CreateNotebook.safeParse({ name: 5 }).success).toBe(false);
    expect(CreateNotebook.safeParse({ name: "x".repeat(1001) }).success).toBe(false);
    expect(CreateNotebook.safeParse({ isPublic: "yes" }).success).toBe(false);
    expect(CreateNotebook.safeParse({ collaborators: "bob" }).success).toBe(false);
    expect(CreateNotebook.safeParse({ parameters: ["web1"] }).success).toBe(false);
    expect(CreateNotebook.safeParse({ parameters: { Host: { name: "web1" } } }).success).toBe(false);
    expect(CreateNotebook.safeParse({ template: 1 }).success).toBe(false);
  });
});
