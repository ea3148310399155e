// The YAML a new custom artifact starts from (as Velociraptor's editor offers one): a client
// artifact with one parameter and one source guarded by an OS precondition.
export function newArtifactTemplate(prefix = "Custom."): string {
  return `name: ${prefix}Artifact.Name
description: |
  What this artifact collects, and why.

author: ""

# CLIENT, CLIENT_EVENT, SERVER, SERVER_EVENT or NOTEBOOK
type: CLIENT

parameters:
  - name: NameRegex
    description: Only processes whose name matches.
    type: regex
    default: .

sources:
  - precondition: SELECT OS FROM info() WHERE OS = 'linux'
    query: |
      SELECT Pid, Name, CommandLine
      FROM pslist()
      WHERE Name =~ NameRegex
`;
}
