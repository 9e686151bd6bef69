-- A Neovim 0.7 session against `nnc lsp`, headless: Neovim's built-in LSP
-- client opens a .nn file, the script introduces an error and reads the
-- diagnostics back, fixes it, then asks for hover, completion and a
-- definition, as a user's keystrokes would. Everything it sees is written
-- as JSON to $NNC_RESULT and as a readable transcript to $NNC_TRANSCRIPT.
--
--   NNC_LSP_CMD='["node","bin/nnc.js","lsp","--stdio"]' NNC_FILE=lenet.nn NNC_ROOT=. \
--   NNC_RESULT=out.json NNC_TRANSCRIPT=out.txt nvim --headless --clean -c 'luafile session.lua'

local env = vim.env
local result = { steps = {} }
local transcript = {}
local function say(line) table.insert(transcript, line) end
local function finish(failure)
  result.failure = failure
  local f = io.open(env.NNC_RESULT, "w"); f:write(vim.fn.json_encode(result)); f:close()
  local t = io.open(env.NNC_TRANSCRIPT, "w"); t:write(table.concat(transcript, "\n") .. "\n"); t:close()
  vim.cmd("qa!")
end

local ok, err = pcall(function()
  local publishes = 0
  local default_publish = vim.lsp.handlers["textDocument/publishDiagnostics"]
  vim.lsp.handlers["textDocument/publishDiagnostics"] = function(e, params, ctx, config)
    publishes = publishes + 1
    return default_publish(e, params, ctx, config)
  end

  local started = vim.loop.hrtime()
  local id = vim.lsp.start_client({ name = "nnc", cmd = vim.fn.json_decode(env.NNC_LSP_CMD), root_dir = env.NNC_ROOT })
  vim.cmd("edit " .. vim.fn.fnameescape(env.NNC_FILE))
  vim.lsp.buf_attach_client(0, id)
  local client = vim.lsp.get_client_by_id(id)
  assert(vim.wait(20000, function() return client.initialized and publishes > 0 end, 20), "no diagnostics after opening the file")
  say(string.format("nvim %s: started `nnc lsp`, opened %s (%d lines)", tostring(vim.version().major .. "." .. vim.version().minor .. "." .. vim.version().patch), vim.fn.fnamemodify(env.NNC_FILE, ":t"), vim.api.nvim_buf_line_count(0)))
  say(string.format("  initialized; first diagnostics after %d ms: %d", (vim.loop.hrtime() - started) / 1e6, #vim.diagnostic.get(0)))
  table.insert(result.steps, { step = "open", diagnostics = #vim.diagnostic.get(0) })

  -- Type a kernel too large for its input: `kernel: 5` becomes `kernel: 50` in conv2d(16, …).
  local lines = vim.api.nvim_buf_get_lines(0, 0, -1, false)
  local row, col
  for i, l in ipairs(lines) do
    local s = l:find("conv2d(16, kernel: 5", 1, true)
    if s then row, col = i - 1, s - 1 + #"conv2d(16, kernel: 5" end
  end
  local before = publishes
  local typed = vim.loop.hrtime()
  vim.api.nvim_buf_set_text(0, row, col, row, col, { "0" })
  assert(vim.wait(20000, function() return publishes > before and #vim.diagnostic.get(0) > 0 end, 5), "no diagnostic after the edit")
  local d = vim.diagnostic.get(0)[1]
  say(string.format("typed '0' after `kernel: 5` on line %d; diagnostics after %d ms:", row + 1, (vim.loop.hrtime() - typed) / 1e6))
  say(string.format("  %d:%d: %s %s: %s", d.lnum + 1, d.col + 1, d.severity == vim.diagnostic.severity.ERROR and "error" or "warning", d.code or (d.user_data and d.user_data.lsp and d.user_data.lsp.code) or "", d.message))
  table.insert(result.steps, { step = "error", count = #vim.diagnostic.get(0), line = d.lnum, col = d.col, message = d.message, code = d.code or (d.user_data and d.user_data.lsp and d.user_data.lsp.code), severity = d.severity })

  -- Fix it again.
  before = publishes
  vim.api.nvim_buf_set_text(0, row, col, row, col + 1, { "" })
  assert(vim.wait(20000, function() return publishes > before and #vim.diagnostic.get(0) == 0 end, 5), "the diagnostic stayed after the fix")
  say("deleted it again: 0 diagnostics")
  table.insert(result.steps, { step = "fixed", count = #vim.diagnostic.get(0) })

  -- Hover over `logits` in `logits = image`.
  lines = vim.api.nvim_buf_get_lines(0, 0, -1, false)
  for i, l in ipairs(lines) do
    local s = l:find("logits = ", 1, true)
    if s then vim.api.nvim_win_set_cursor(0, { i, s }) end
  end
  local hover = vim.lsp.buf_request_sync(0, "textDocument/hover", vim.lsp.util.make_position_params(), 10000)
  local contents = hover[id].result.contents.value
  say("hover on `logits`:")
  for _, l in ipairs(vim.split(contents, "\n")) do if l ~= "" then say("  " .. l) end end
  table.insert(result.steps, { step = "hover", contents = contents })

  -- Completion after typing `probe = image -> ` on a new line, and inside `dense(84, `.
  local close_row
  for i, l in ipairs(vim.api.nvim_buf_get_lines(0, 0, -1, false)) do if l:match("^}") then close_row = i - 1 end end
  vim.api.nvim_buf_set_lines(0, close_row, close_row, false, { "  probe = image -> " })
  vim.api.nvim_win_set_cursor(0, { close_row + 1, #"  probe = image -> " })
  local completion = vim.lsp.buf_request_sync(0, "textDocument/completion", vim.lsp.util.make_position_params(), 10000)
  local items = completion[id].result
  if items.items then items = items.items end
  local labels = {}
  for _, item in ipairs(items) do table.insert(labels, item.label) end
  say(string.format("completion after `probe = image -> `: %d items: %s, …", #labels, table.concat(vim.list_slice(labels, 1, 8), ", ")))
  table.insert(result.steps, { step = "completion", labels = labels })

  vim.api.nvim_buf_set_lines(0, close_row, close_row + 1, false, { "  probe = image -> conv2d(4, " })
  vim.api.nvim_win_set_cursor(0, { close_row + 1, #"  probe = image -> conv2d(4, " })
  completion = vim.lsp.buf_request_sync(0, "textDocument/completion", vim.lsp.util.make_position_params(), 10000)
  items = completion[id].result
  if items.items then items = items.items end
  local options = {}
  for _, item in ipairs(items) do if item.kind == vim.lsp.protocol.CompletionItemKind.Property then table.insert(options, item.label .. ": " .. (item.detail or "")) end end
  say("completion inside `conv2d(4, `: " .. table.concat(options, "; "))
  table.insert(result.steps, { step = "options", options = options })
  vim.api.nvim_buf_set_lines(0, close_row, close_row + 1, false, {})

  -- Go to the definition of `logits` from `output logits`.
  for i, l in ipairs(vim.api.nvim_buf_get_lines(0, 0, -1, false)) do
    local s = l:find("output logits", 1, true)
    if s then vim.api.nvim_win_set_cursor(0, { i, s + #"output " }) end
  end
  local def = vim.lsp.buf_request_sync(0, "textDocument/definition", vim.lsp.util.make_position_params(), 10000)[id].result
  if def[1] then def = def[1] end
  say(string.format("definition of `logits` in `output logits`: line %d, column %d", def.range.start.line + 1, def.range.start.character + 1))
  table.insert(result.steps, { step = "definition", line = def.range.start.line, character = def.range.start.character })

  vim.lsp.stop_client(id)
end)

finish(not ok and tostring(err) or nil)
