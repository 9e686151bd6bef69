// `nnc lsp` driven by a real client: Debian's Neovim 0.7, headless, with
// its built-in LSP client (test/lsp/neovim/session.lua): open LeNet-5,
// type an error and read the diagnostic back, fix it, hover, complete, go
// to a definition. The session's transcript is written to
// out/neovim/transcript.txt.
import { execFile } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { repo } from "./client.ts";

const NVIM = process.env.NNC_NVIM ?? "/usr/bin/nvim";
const dir = mkdtempSync(join(tmpdir(), "nnc-nvim-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface Session {
  failure?: string;
  steps: ({ step: string } & Record<string, unknown>)[];
}

function runSession(file: string): Promise<{ session: Session; transcript: string; stderr: string }> {
  const env = {
    ...process.env,
    NNC_LSP_CMD: JSON.stringify([process.execPath, join(repo, "bin/nnc.js"), "lsp", "--stdio"]),
    NNC_FILE: file,
    NNC_ROOT: dir,
    NNC_RESULT: join(dir, "result.json"),
    NNC_TRANSCRIPT: join(dir, "transcript.txt"),
  };
  return new Promise((done, fail) =>
    execFile(NVIM, ["--headless", "--clean", "-n", "-i", "NONE", "-c", `luafile ${join(repo, "test/lsp/neovim/session.lua")}`], { env, timeout: 120_000 }, (error, _stdout, stderr) => {
      if (!existsSync(env.NNC_RESULT)) return fail(new Error(`nvim wrote no result (${error?.message ?? "no error"}): ${stderr}`));
      done({ session: JSON.parse(readFileSync(env.NNC_RESULT, "utf8")) as Session, transcript: readFileSync(env.NNC_TRANSCRIPT, "utf8"), stderr });
    }),
  );
}

describe("Neovim's LSP client against nnc lsp", () => {
  it("sees diagnostics come and go as it edits, and gets hover, completion and a definition", async () => {
    if (!existsSync(NVIM)) throw new Error(`this test needs Neovim at ${NVIM}, which is missing: install it with \`apt-get install -y neovim\` (Debian's 0.7; .ci/run does this), or point NNC_NVIM at an nvim binary`);
    const file = join(dir, "lenet.nn");
    cpSync(join(repo, "examples/lenet.nn"), file);
    const { session, transcript, stderr } = await runSession(file);
    mkdirSync(join(repo, "out/neovim"), { recursive: true });
    cpSync(join(dir, "transcript.txt"), join(repo, "out/neovim/transcript.txt"));
    expect(session.failure, `${session.failure}\n${transcript}\n${stderr}`).toBeUndefined();
    const step = (name: string) => session.steps.find((s) => s.step === name)!;
    expect(step("open")).toMatchObject({ diagnostics: 0 });
    expect(step("error")).toMatchObject({ count: 1, code: "NN3005", line: 8, severity: 1, message: "conv2d: the window (50) is larger than the input along axis 0 (14, after padding)" });
    expect(step("fixed")).toMatchObject({ count: 0 });
    expect(step("hover").contents).toBe("**logits** — binding\n\n`f32[10]` per example (batched: `[batch, 10]`)");
    expect(step("completion").labels).toEqual(expect.arrayContaining(["dense", "conv2d", "relu"]));
    expect(step("options").options).toEqual(expect.arrayContaining(["stride: int | (int, …) = 1", "padding: valid | same | int | (int, …) = valid"]));
    expect(step("definition")).toMatchObject({ line: 5, character: 2 });
  }, 150_000);
});
