// Drives `tally mcp` with the official TypeScript MCP SDK, as a coding agent would: initialize,
// list tools, delegate a coding task, poll it to its end, send one malformed call, list history.
// Prints one JSON document of what it saw on stdout; McpNodeClientTest asserts on it.
//
// usage: node drive-tally-mcp.mjs '<json config>'
//   stdio: {"mode":"stdio","command":"java","args":[...],"env":{...},"repoRoot":"/abs","goal":"..."}
//   http:  {"mode":"http","url":"http://127.0.0.1:PORT/mcp","token":"...","repoRoot":...,"goal":...}
import { isDeepStrictEqual } from "node:util";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";

const config = JSON.parse(process.argv[2]);
const seen = { mode: config.mode };

function transport() {
  if (config.mode === "stdio") {
    return new StdioClientTransport({
      command: config.command,
      args: config.args,
      env: config.env,
      stderr: "inherit",
    });
  }
  const headers = config.token ? { Authorization: `Bearer ${config.token}` } : {};
  return new StreamableHTTPClientTransport(new URL(config.url), { requestInit: { headers } });
}

function structured(result) {
  return result.structuredContent;
}

const client = new Client({ name: "tally-node-test", version: "1.0.0" });
await client.connect(transport());
seen.serverName = client.getServerVersion()?.name;
seen.instructions = client.getInstructions() ?? "";

const { tools } = await client.listTools();
seen.tools = tools.map((t) => t.name);
seen.strictSchemas = tools.every((t) => t.inputSchema.additionalProperties === false);
const code = tools.find((t) => t.name === "delegate_code");
seen.delegateCodeRequired = code.inputSchema.required;
const supervise = tools.find((t) => t.name === "supervise");
seen.superviseFields = Object.keys(supervise.inputSchema.properties);
seen.onBudgetExhausted = supervise.inputSchema.properties.onBudgetExhausted.enum;
const raise = tools.find((t) => t.name === "run_raise_budget");
seen.raiseFields = Object.keys(raise.inputSchema.properties);
seen.variantsRange = [
  code.inputSchema.properties.variants.minimum,
  code.inputSchema.properties.variants.maximum,
];

const args = {
  goal: config.goal,
  repoRoot: config.repoRoot,
  config: { testCmd: "true", maxDiffLines: 10 },
};
const submitted = await client.callTool({ name: "delegate_code", arguments: args });
seen.submitIsError = submitted.isError === true;
seen.submitted = structured(submitted);
seen.textMatchesStructured = isDeepStrictEqual(
  JSON.parse(submitted.content[0].text),
  submitted.structuredContent,
);
const taskId = seen.submitted.taskId;

const deadline = Date.now() + 120_000;
let status;
do {
  await new Promise((r) => setTimeout(r, 300));
  status = structured(await client.callTool({ name: "delegation_status", arguments: { taskId } }));
} while (!["completed", "failed", "cancelled"].includes(status.status) && Date.now() < deadline);
seen.finalStatus = status.status;
seen.patch = status.result?.patch ?? null;

const again = await client.callTool({ name: "delegate_code", arguments: args });
seen.resubmitted = structured(again);

const bad = await client.callTool({
  name: "delegate_code",
  arguments: { ...args, variants: 9, colour: "blue" },
});
seen.malformed = {
  isError: bad.isError === true,
  text: bad.content[0].text,
  problems: bad.structuredContent?.error?.problems ?? [],
};

const history = structured(
  await client.callTool({ name: "delegation_history", arguments: { profile: "coder" } }),
);
seen.historyHasTask = history.delegations.some((d) => d.taskId === taskId);

await client.close();
process.stdout.write(JSON.stringify(seen) + "\n");
