-- Driven by tests/nvim/test_neovim.py: ownwise.lua's exact hints in a real Neovim,
-- with stand-ins for copilot.lua and copilot.vim of the same names and shapes as
-- the real plugins (copilot.lua: lua/copilot/suggestion/init.lua, its accept edits
-- in vim.schedule through vim.lsp.util.apply_text_edits and its insert keymap
-- calls M.accept(); copilot.vim: autoload/copilot.vim, copilot#Accept() returns
-- the keys that insert the text through <C-R><C-O>=, mapped as an <expr> <Tab>).
-- Every edit is made by keys or by the plugin's own function, as a user would.
local root = os.getenv("OWNWISE_TEST_ROOT")
local out = os.getenv("OWNWISE_TEST_OUT")
local steps = {}
local sent = {}
local function result(tbl)
  local f = io.open(out, "w"); f:write(vim.fn.json_encode(tbl)); f:close()
end
local function keys(k) vim.api.nvim_feedkeys(vim.api.nvim_replace_termcodes(k, true, false, true), "x", false) end
-- let the scheduled work run; then an undo break, as a user's pause would make
local function settle()
  vim.wait(300, function() return false end, 10)
  vim.cmd("let &undolevels=&undolevels")
end

local function main()
  -- the stand-ins on the runtimepath, loaded as the real plugins are (plugin/ at start-up)
  vim.opt.runtimepath:prepend(os.getenv("OWNWISE_TEST_STANDIN"))
  vim.cmd("runtime! plugin/copilot.vim")
  local M = require("copilot.suggestion")
  M.set_keymap({ accept = "<M-l>", accept_word = "<M-w>", accept_line = "<M-j>" })

  -- Neovim 0.12's own inline completion, where this Neovim has none
  local inline = require("standin_inline_completion")
  vim.lsp.inline_completion = inline

  dofile(os.getenv("OWNWISE_LUA"))
  vim.cmd("edit " .. root .. "/src/engine.py")
  local buf = vim.api.nvim_get_current_buf()
  vim.bo[buf].expandtab = true
  vim.bo[buf].autoindent = false
  Ownwise.setup({ cmd = { os.getenv("OWNWISE_PYTHON"), "-m", "ownwise", "serve" }, root = root })
  if not vim.wait(10000, function() local c = Ownwise.client(); return c and c.initialized end, 20) then
    error("server did not initialize")
  end
  vim.wait(3000, function() return Ownwise.file_info(buf) ~= nil end, 50)
  local function snap(name)
    local info = Ownwise.file_info(buf)
    table.insert(steps, { name = name, aiLines = info.aiLines, suspected = info.suspectedLines,
      ranges = info.aiRanges, lines = vim.api.nvim_buf_get_lines(buf, 0, -1, false) })
  end

  -- 1. copilot.lua: "    pass" -> a four-line body, accepted with its keymap at the end of line 2
  M._suggestion = { text = "    total = 0\n    for x in items:\n        total += x\n    return total",
    range = { start = { line = 1, character = 0 }, ["end"] = { line = 1, character = 8 } } }
  vim.api.nvim_win_set_cursor(0, { 2, 8 })
  keys("A<M-l><Esc>")
  settle()
  snap("copilot.lua accept")

  -- 2. the user types a line of their own right after
  keys("Go# done by hand<Esc>")
  settle()
  snap("typed")

  -- 3. copilot.vim: <Tab> on a new line inserts a two-line suggestion
  vim.g.standin_suggestion = "def double(x):\n    return 2 * x"
  keys("Go<Tab><Esc>")
  settle()
  snap("copilot.vim accept")

  -- 4. <Tab> with no suggestion is the user's own Tab, then typed text
  keys("Go<Tab>y = 1<Esc>")
  settle()
  snap("tab typed")

  -- 5. a paste through vim.paste (what the terminal's paste calls), in Normal mode at the end
  vim.api.nvim_win_set_cursor(0, { vim.api.nvim_buf_line_count(buf), 0 })
  keys("o<Esc>")
  vim.paste({ "def helper(a, b):", "    c = a + b", "    return c" }, -1)
  settle()
  snap("vim.paste")

  -- 6. a put of a yanked block ("yy" of three lines, then "p")
  keys("gg3yyGp")
  settle()
  snap("put")

  -- 7. undo the put and the paste with u, redo both with <C-r>
  keys("uu")
  settle()
  snap("undone")
  keys("<C-r><C-r>")
  settle()
  snap("redone")

  -- 8. copilot.lua accept_word on a new line: a partial accept
  M._suggestion = { text = "result = total(items) + 1",
    range = { start = { line = vim.api.nvim_buf_line_count(buf), character = 0 },
              ["end"] = { line = vim.api.nvim_buf_line_count(buf), character = 0 } } }
  keys("Go<Esc>")
  keys("A<M-w><Esc>")
  settle()
  snap("copilot.lua accept_word")

  -- 9. undo the partial accept and redo it: the AI line goes and comes back, nothing new is counted
  keys("u")
  settle()
  snap("accept undone")
  keys("<C-r>")
  settle()
  snap("accept redone")

  -- 10. Neovim's inline completion: get() with no candidate shown does nothing; with one, accepts it
  vim.lsp.inline_completion.get()
  local n = vim.api.nvim_buf_line_count(buf)
  keys("Go<Esc>")
  inline._present(buf, { range = { n, 0, n, 0 }, value = "def triple(x):\n    return 3 * x" })
  vim.lsp.inline_completion.get()
  settle()
  snap("inline_completion accept")

  -- 11. copilot.vim's <Plug>(copilot-accept-word), through the user's <M-Right>: one word of the suggestion
  vim.g.standin_suggestion = "value = compute(total)"
  keys("Go<M-Right><Esc>")
  settle()
  snap("copilot.vim accept word")
  sent = Ownwise.sent
end

local ok, err = xpcall(main, debug.traceback)
result(ok and { steps = steps, sent = sent } or { error = err, steps = steps })
local client = Ownwise.client and Ownwise.client()
if client then client.stop() end
vim.wait(3000, function() return not client or client.is_stopped() end, 20)
vim.cmd("qa!")
