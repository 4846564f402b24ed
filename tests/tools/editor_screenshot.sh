#!/usr/bin/env bash
# Makes docs/editor.png: Neovim in an xterm on a virtual display, with `redscreen lsp`
# attached, showing a problem as the author sees it and the completion of a subnet.
# Needs xvfb, xterm, neovim, xdotool and imagemagick (Debian packages) and a built redscreen:
#   cargo build --release && tests/tools/editor_screenshot.sh target/release/redscreen
set -euo pipefail
redscreen="$(realpath "${1:-target/release/redscreen}")"
project="$(cd "$(dirname "$0")/../.." && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

# The tutorial with a mistyped subnet, and a subnet being typed a few lines below it.
sed -e '0,/subnet: "servers", role: FileServer/s//subnet: "srvers", role: FileServer/' \
    -e '0,/subnet: "servers", role: MailServer/s//subnet: "s", role: MailServer/' \
    "$project/scenarios/tutorial.ron" > "$work/scenario.ron"
line=$(grep -n 'subnet: "s",' "$work/scenario.ron" | cut -d: -f1)
# On the closing quote, from zero: completion is asked for with the cursor after the `s`.
column=$(grep 'subnet: "s",' "$work/scenario.ron" | awk '{print index($0, "subnet: \"s\"") + 9}')

cat > "$work/init.lua" <<LUA
vim.o.number = true
vim.o.termguicolors = false
vim.o.completeopt = 'menuone,noinsert'
vim.diagnostic.config({ virtual_text = { prefix = '●' }, signs = true, underline = true })
-- After the file is read: attach the server, wait for its problems, then ask for completion.
vim.api.nvim_create_autocmd('VimEnter', { callback = function()
  local client = vim.lsp.start_client({ name = 'redscreen', cmd = { '$redscreen', 'lsp' }, root_dir = '$work' })
  vim.lsp.buf_attach_client(0, client)
  vim.bo.omnifunc = 'v:lua.vim.lsp.omnifunc'
  vim.wait(10000, function() return #vim.diagnostic.get(0) > 0 end, 50)
  vim.api.nvim_win_set_cursor(0, { $line, $column })
  vim.cmd('normal! zz')
  vim.api.nvim_feedkeys(vim.api.nvim_replace_termcodes('i<C-x><C-o>', true, false, true), 'n', false)
end })
LUA

export DISPLAY=:97
Xvfb "$DISPLAY" -screen 0 1400x640x24 >/dev/null 2>&1 &
display=$!
trap 'kill $display 2>/dev/null; rm -rf "$work"' EXIT
sleep 1
cd "$work"
xterm -geometry 150x34+0+0 -fa 'DejaVu Sans Mono' -fs 11 -bg '#1e1e1e' -fg '#d4d4d4' \
    -e nvim --clean -u "$work/init.lua" scenario.ron &
sleep 8
import -window root -crop 1362x640+0+0 "$project/docs/editor.png"
echo "wrote docs/editor.png"
