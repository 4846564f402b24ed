-- Neovim's own language client (0.7 and later) talks to `redscreen lsp`: it opens a scenario,
-- waits for the problems the server publishes, asks for completion at a place, and writes
-- what the editor holds as JSON for the test to read.
--
--   REDSCREEN=path/to/redscreen RESULT=out.json LINE=n CHARACTER=c \
--     nvim --headless --clean -c 'luafile tests/tools/neovim_lsp.lua' SCENARIO.ron

local function finish(result)
  local file = assert(io.open(os.getenv('RESULT'), 'w'))
  file:write(vim.fn.json_encode(result))
  file:close()
  vim.cmd('qa!')
end

local buffer = vim.api.nvim_get_current_buf()
local client = vim.lsp.start_client({
  name = 'redscreen',
  cmd = { os.getenv('REDSCREEN'), 'lsp' },
  root_dir = vim.fn.getcwd(),
})
if not client then
  finish({ error = 'the server did not start' })
  return
end
vim.lsp.buf_attach_client(buffer, client)

local published = vim.wait(20000, function()
  return #vim.diagnostic.get(buffer) > 0
end, 50)

local diagnostics = {}
for _, diagnostic in ipairs(vim.diagnostic.get(buffer)) do
  table.insert(diagnostics, {
    line = diagnostic.lnum,
    column = diagnostic.col,
    message = diagnostic.message,
    severity = diagnostic.severity,
  })
end

local position = { line = tonumber(os.getenv('LINE')), character = tonumber(os.getenv('CHARACTER')) }
local answers = vim.lsp.buf_request_sync(buffer, 'textDocument/completion', {
  textDocument = vim.lsp.util.make_text_document_params(buffer),
  position = position,
}, 20000) or {}
local labels = {}
for _, answer in pairs(answers) do
  local items = answer.result and (answer.result.items or answer.result) or {}
  for _, item in ipairs(items) do
    table.insert(labels, item.label)
  end
end

finish({ published = published, diagnostics = diagnostics, completion = labels })
