// The language's keywords (spec §2), for highlighting and completion.
export const KEYWORDS = ["model", "block", "input", "target", "output", "loss", "const", "as", "import", "from", "f32", "i32", "true", "false"] as const;
