-- Wireshark dissector for Pavillion (brokerless encrypted UDP): the "PavillionS0"
-- framing and every cleartext setup message of PROTOCOL.md §3 and §5. Encrypted
-- bodies (counter != 0) are shown as tag + ciphertext: the opcode is sealed too.
--
-- Install: copy this file into Wireshark's personal Lua plugins folder
-- (Help > About Wireshark > Folders > "Personal Lua Plugins", e.g.
-- ~/.local/lib/wireshark/plugins/), or load it for one run with
-- tshark -X lua_script:pavillion.lua -r capture.pcap.
--
-- Datagrams are recognised on the UDP ports of the "Ports" preference
-- (default 1783 and 2221) and, with the heuristic on (the default), on any UDP
-- port by their magic: servers answer from an ephemeral port.

local pavillion = Proto("pavillion", "Pavillion")

local MAGIC = "PavillionS0"
local HEADER = 19 -- magic (11) + u64 counter (8)

local suites = { [1] = "PSK", [2] = "ECC" }
local setup_names = {
  [1] = "nonce request",
  [2] = "PSK nonce",
  [3] = "PSK client info",
  [4] = "unrecognized client",
  [5] = "new server join",
  [6] = "invalid client ID",
  [7] = "session accepted",
  [11] = "ECC nonce",
  [12] = "ECC client info",
}

local f = {
  magic = ProtoField.string("pavillion.magic", "Magic"),
  counter = ProtoField.uint64("pavillion.counter", "Counter"),
  opcode = ProtoField.uint8("pavillion.setup.opcode", "Setup opcode", base.DEC, setup_names),
  suite = ProtoField.uint8("pavillion.suite", "Cipher suite", base.DEC, suites),
  client_id = ProtoField.bytes("pavillion.client_id", "Client ID"),
  challenge = ProtoField.bytes("pavillion.challenge", "Client challenge"),
  session_id = ProtoField.bytes("pavillion.session_id", "Session ID"),
  public_key = ProtoField.bytes("pavillion.public_key", "Public key field"),
  server_nonce = ProtoField.bytes("pavillion.server_nonce", "Server nonce"),
  client_nonce = ProtoField.bytes("pavillion.client_nonce", "Client nonce"),
  client_counter = ProtoField.uint64("pavillion.client_counter", "Client counter"),
  hash = ProtoField.bytes("pavillion.hash", "Keyed hash"),
  box_nonce = ProtoField.bytes("pavillion.box_nonce", "Box nonce"),
  box = ProtoField.bytes("pavillion.box", "Sealed box (crypto_box)"),
  tag = ProtoField.bytes("pavillion.tag", "Poly1305 tag"),
  ciphertext = ProtoField.bytes("pavillion.ciphertext", "Ciphertext (opcode and payload, encrypted)"),
  data = ProtoField.bytes("pavillion.data", "Data"),
}
pavillion.fields = f

local bad_length = ProtoExpert.new("pavillion.bad_length", "Setup message of the wrong length",
  expert.group.MALFORMED, expert.severity.ERROR)
local unknown_opcode = ProtoExpert.new("pavillion.unknown_opcode", "Unknown setup opcode",
  expert.group.UNDECODED, expert.severity.WARN)
pavillion.experts = { bad_length, unknown_opcode }

pavillion.prefs.ports = Pref.range("Ports", "1783,2221", "UDP ports always decoded as Pavillion", 65535)
pavillion.prefs.heuristic = Pref.bool("Try every UDP port", true,
  "Recognise Pavillion on any UDP port by its PavillionS0 magic (server replies come from ephemeral ports)")

-- Each setup message's fields after the opcode byte: { field, size }, in wire order (PROTOCOL.md §5).
local layouts = {
  [1] = { { "suite", 1 }, { "client_id", 16 }, { "challenge", 16 }, { "session_id", 16 }, { "public_key", 32 } },
  [2] = { { "server_nonce", 32 }, { "challenge", 16 }, { "hash", 32 } },
  [3] = { { "suite", 1 }, { "client_id", 16 }, { "client_nonce", 32 }, { "server_nonce", 32 },
    { "client_counter", 8 }, { "hash", 32 } },
  [4] = {},
  [5] = {},
  [6] = { { "challenge", 16 } },
  [7] = { { "session_id", 16 } },
  [11] = { { "box_nonce", 24 }, { "box", 64 } },
  [12] = { { "client_id", 16 }, { "suite", 1 }, { "box_nonce", 24 }, { "box", 120 } },
}
-- Little-endian integer fields; the others are single bytes or byte strings.
local little_endian = { client_counter = true }

local function layout_size(layout)
  local size = 0
  for _, entry in ipairs(layout) do size = size + entry[2] end
  return size
end

-- The printable ASCII text of a range, or nil.
local function printable(range)
  local text = range:string()
  if #text == range:len() and not text:find("[^\32-\126]") then return text end
  return nil
end

local function has_magic(tvb)
  return tvb:len() >= HEADER and tvb:range(0, #MAGIC):string() == MAGIC
end

local function dissect_setup(tvb, pinfo, tree)
  local opcode = tvb:range(HEADER, 1):uint()
  local name = setup_names[opcode] or ("opcode " .. opcode)
  tree:add(f.opcode, tvb:range(HEADER, 1))
  local layout = layouts[opcode]
  local info = "Setup " .. opcode .. " " .. name
  local data_length = tvb:len() - HEADER - 1
  if layout == nil then
    local item = tree:add(f.data, tvb:range(HEADER + 1))
    item:add_proto_expert_info(unknown_opcode, "setup opcode " .. opcode .. " is not defined")
    pinfo.cols.info:set(info)
    return
  end
  local expected = layout_size(layout)
  if data_length ~= expected then
    tree:add_proto_expert_info(bad_length, string.format("%s carries %d data bytes, the protocol says %d",
      name, data_length, expected))
  end
  local offset = HEADER + 1
  for _, entry in ipairs(layout) do
    local field, size = entry[1], entry[2]
    if offset + size > tvb:len() then break end
    local range = tvb:range(offset, size)
    local item
    if little_endian[field] then item = tree:add_le(f[field], range) else item = tree:add(f[field], range) end
    if field == "client_id" then
      local text = printable(range)
      if text then
        item:append_text(' ("' .. text .. '")')
        info = info .. " " .. text
      end
    elseif field == "suite" then
      info = info .. " (" .. (suites[range:uint()] or ("suite " .. range:uint())) .. ")"
    elseif field == "box" then
      item:append_text(" [encrypted]")
    end
    offset = offset + size
  end
  pinfo.cols.info:set(info)
end

local function dissect_secure(tvb, pinfo, tree, counter)
  local body = tvb:len() - HEADER
  local sealed = tree:add(tvb:range(HEADER), "Encrypted body (" .. body .. " bytes: tag, then the sealed opcode and payload)")
  if body >= 16 then sealed:add(f.tag, tvb:range(HEADER, 16)) end
  if body > 16 then sealed:add(f.ciphertext, tvb:range(HEADER + 16)) end
  pinfo.cols.info:set("Secure, counter " .. tostring(counter) .. ", encrypted (" .. math.max(body - 16, 0)
    .. " B)")
end

local function dissect(tvb, pinfo, tree)
  if not has_magic(tvb) then return 0 end
  pinfo.cols.protocol:set("Pavillion")
  local root = tree:add(pavillion, tvb:range(0))
  root:add(f.magic, tvb:range(0, #MAGIC))
  local counter_range = tvb:range(#MAGIC, 8)
  root:add_le(f.counter, counter_range)
  local counter = counter_range:le_uint64()
  if counter == UInt64(0) then
    if tvb:len() == HEADER then
      root:add_proto_expert_info(bad_length, "setup datagram ends before its opcode")
      pinfo.cols.info:set("Setup (no opcode)")
    else
      dissect_setup(tvb, pinfo, root)
    end
  else
    dissect_secure(tvb, pinfo, root, counter)
  end
  return tvb:len()
end

local function heuristic(tvb, pinfo, tree)
  if not pavillion.prefs.heuristic or not has_magic(tvb) then return false end
  dissect(tvb, pinfo, tree)
  return true
end

pavillion.dissector = dissect

local udp_port = DissectorTable.get("udp.port")
local current_ports = nil

-- (Re)registers the dissector on the ports of the preference.
local function register_ports()
  if current_ports ~= nil then udp_port:remove(current_ports, pavillion) end
  current_ports = pavillion.prefs.ports
  udp_port:add(current_ports, pavillion)
end

pavillion.prefs_changed = register_ports
register_ports()
pavillion:register_heuristic("udp", heuristic)
