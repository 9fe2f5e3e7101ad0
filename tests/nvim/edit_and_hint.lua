-- Driven by tests/nvim/test_neovim.py: a real Neovim attaches the server,
-- edits a file, sends a hint with client.notify, and writes fileInfo as JSON.
local root = os.getenv("OWNWISE_TEST_ROOT")
local out = os.getenv("OWNWISE_TEST_OUT")
dofile(os.getenv("OWNWISE_LUA"))
vim.cmd("edit " .. root .. "/src/engine.py")
local buf = vim.api.nvim_get_current_buf()
Ownwise.setup({ cmd = { os.getenv("OWNWISE_PYTHON"), "-m", "ownwise", "serve" }, root = root })
local function result(tbl)
  local f = io.open(out, "w"); f:write(vim.fn.json_encode(tbl)); f:close()
end
local ok = vim.wait(10000, function() local c = Ownwise.client(); return c and c.initialized end, 20)
if not ok then result({ error = "server did not initialize" }); vim.cmd("qa!") end
local client = Ownwise.client()
-- an accepted AI completion: hint first, then the change
client.notify("ownwise/editHint", { uri = vim.uri_from_bufnr(buf), kind = "inlineCompletion", source = "nvim-test" })
vim.api.nvim_buf_set_lines(buf, 2, 2, false,
  { "    total = 0", "    for x in items:", "        total += x", "    return total" })
-- the user types at the end of one AI line, and adds a line of their own
vim.api.nvim_buf_set_text(buf, 4, 18, 4, 18, { "  # sum" })
vim.api.nvim_buf_set_lines(buf, 6, 6, false, { "# mine" })
local info, err = Ownwise.file_info(buf)
local lines = vim.api.nvim_buf_get_lines(buf, 0, -1, false)
result({ info = info, err = err, lines = lines })
client.stop()
vim.wait(2000, function() return client.is_stopped() end, 20)
vim.cmd("qa!")
