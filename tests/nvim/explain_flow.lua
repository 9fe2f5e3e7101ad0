-- Driven by tests/nvim/test_neovim.py: the whole explain flow in a real Neovim.
-- An AI edit, :OwnwiseEndSession, the message request answered "Explain now",
-- the explanation document opened by window/showDocument, the answer typed
-- into it and :write; the server's confirmation is captured.
local root = os.getenv("OWNWISE_TEST_ROOT")
local out = os.getenv("OWNWISE_TEST_OUT")
local answer = os.getenv("OWNWISE_TEST_ANSWER")
dofile(os.getenv("OWNWISE_LUA"))
local asked, shown = {}, {}
-- the user's choices: stand-ins for the default pickers, which wait for a keypress
vim.lsp.handlers["window/showMessageRequest"] = function(_, params)
  table.insert(asked, params.message)
  return { title = "Explain now" }
end
vim.lsp.handlers["window/showMessage"] = function(_, params) table.insert(shown, params.message) end
local function result(tbl)
  local f = io.open(out, "w"); f:write(vim.fn.json_encode(tbl)); f:close()
end
local function fail(msg) result({ error = msg, asked = asked, shown = shown }); vim.cmd("qa!") end
vim.cmd("edit " .. root .. "/src/engine.py")
local buf = vim.api.nvim_get_current_buf()
Ownwise.setup({ cmd = { os.getenv("OWNWISE_PYTHON"), "-m", "ownwise", "serve" }, root = root })
if not vim.wait(10000, function() local c = Ownwise.client(); return c and c.initialized end, 20) then
  fail("server did not initialize")
end
local client = Ownwise.client()
client.notify("ownwise/editHint", { uri = vim.uri_from_bufnr(buf), kind = "chatEdit", source = "nvim-test" })
vim.api.nvim_buf_set_lines(buf, 2, 2, false, {
  "def running_total(items):", "    acc = 0", "    for x in items:", "        acc += x", "    return acc" })
vim.cmd("OwnwiseEndSession")
if not vim.wait(10000, function() return vim.api.nvim_buf_get_name(0):match("%.md$") ~= nil end, 20) then
  fail("no explanation document was opened")
end
local doc = vim.api.nvim_get_current_buf()
local lines = vim.api.nvim_buf_get_lines(doc, 0, -1, false)
local doc_text = table.concat(lines, "\n")
for i, l in ipairs(lines) do
  if l:match("write your answer below this line") then
    vim.api.nvim_buf_set_lines(doc, i, i, false, { answer })
    break
  end
end
lines = vim.api.nvim_buf_get_lines(doc, 0, -1, false)
for i, l in ipairs(lines) do
  if l:match("^Understanding: _/5") then vim.api.nvim_buf_set_lines(doc, i - 1, i, false, { "Understanding: 4/5" }) end
end
vim.cmd("write")
if not vim.wait(10000, function()
  for _, m in ipairs(shown) do if m:match("Saved your answer") then return true end end
  return false
end, 20) then
  fail("no confirmation after saving")
end
result({ asked = asked, shown = shown, doc = doc_text, doc_name = vim.api.nvim_buf_get_name(doc) })
client.stop()
vim.wait(2000, function() return client.is_stopped() end, 20)
vim.cmd("qa!")
