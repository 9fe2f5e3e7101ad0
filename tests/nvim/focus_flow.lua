-- Driven by tests/nvim/test_neovim.py: :OwnwiseFocusStart in a real Neovim;
-- the server's ownwise/focusChanged reaches the User autocmd, then :OwnwiseFocusStop.
local root = os.getenv("OWNWISE_TEST_ROOT")
local out = os.getenv("OWNWISE_TEST_OUT")
dofile(os.getenv("OWNWISE_LUA"))
vim.lsp.handlers["window/showMessageRequest"] = function() return vim.NIL end
local events = {}
vim.cmd([[autocmd User OwnwiseFocusChanged lua table.insert(_G.ownwise_events, vim.g.ownwise_focus)]])
_G.ownwise_events = events
local function result(tbl)
  local f = io.open(out, "w"); f:write(vim.fn.json_encode(tbl)); f:close()
end
vim.cmd("edit " .. root .. "/src/engine.py")
Ownwise.setup({ cmd = { os.getenv("OWNWISE_PYTHON"), "-m", "ownwise", "serve" }, root = root })
if not vim.wait(10000, function() local c = Ownwise.client(); return c and c.initialized end, 20) then
  result({ error = "server did not initialize" }); vim.cmd("qa!")
end
vim.cmd("OwnwiseFocusStart")  -- no number: the default length
vim.wait(5000, function() return #events == 1 end, 20)
vim.cmd("OwnwiseFocusStop")
vim.wait(5000, function() return #events == 2 end, 20)
result({ events = events })
local client = Ownwise.client()
client.stop()
vim.wait(2000, function() return client.is_stopped() end, 20)
vim.cmd("qa!")
