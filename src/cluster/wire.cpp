#include "parley/cluster/wire.hpp"

#include <charconv>

#include <boost/json.hpp>

#include <array>

namespace parley::cluster {
namespace json = boost::json;

namespace {

constexpr std::array<std::string_view, 11> kind_names{"msg",    "cframe", "uframe", "pres",
                                                      "hello",  "snap",   "hb",     "revoke",
                                                      "resync", "forget", "match"};

json::array entries_json(const std::vector<chat::presence_entry>& entries) {
  json::array out;
  out.reserve(entries.size());
  for (const auto& e : entries) {
    out.push_back(json::array{json::string(e.channel), e.user_id, json::string(e.username)});
  }
  return out;
}

const json::value& field(const json::object& o, std::string_view name) {
  static const json::value missing;
  auto it = o.find(name);
  return it == o.end() ? missing : it->value();
}

std::string text(const json::object& o, std::string_view name) {
  const auto& v = field(o, name);
  if (!v.is_string()) {
    throw std::invalid_argument("missing string");
  }
  return std::string(v.get_string());
}

std::int64_t integer(const json::object& o, std::string_view name) {
  const auto& v = field(o, name);
  if (!v.is_int64()) {
    throw std::invalid_argument("missing integer");
  }
  return v.get_int64();
}

chat::presence_entry entry_of(const json::value& v) {
  const auto& a = v.as_array();
  if (a.size() != 3) {
    throw std::invalid_argument("bad entry");
  }
  return {std::string(a[0].as_string()), a[1].as_int64(), std::string(a[2].as_string())};
}

}  // namespace

std::string encode(const envelope& e) {
  json::object o;
  o["k"] = kind_names[static_cast<std::size_t>(e.type)];
  o["n"] = e.node;
  switch (e.type) {
    case envelope::kind::message: {
      const auto& m = e.message;
      o["c"] = m.channel;
      o["cid"] = m.channel_id;
      o["id"] = m.id;
      o["uid"] = m.user_id;
      o["from"] = m.from;
      o["text"] = m.text;
      o["ts"] = m.ts_ms;
      if (m.committed_unix_us != 0) {
        o["cat"] = m.committed_unix_us;
      }
      if (!m.attachments.empty()) {
        json::array list;
        for (const auto& a : m.attachments) {
          list.push_back(
              json::array{json::string(a.id), json::string(a.name), json::string(a.type), a.size});
        }
        o["att"] = std::move(list);
      }
      if (m.direct) {
        o["dm"] = json::array{m.dm_user_a, m.dm_user_b};
        o["to"] = e.user_id;
      }
      break;
    }
    case envelope::kind::channel_frame:
      o["c"] = e.channel;
      o["f"] = e.frame;
      break;
    case envelope::kind::user_frame:
      o["to"] = e.user_id;
      o["f"] = e.frame;
      break;
    case envelope::kind::presence:
      o["p"] = entries_json({e.entry});
      o["on"] = e.present;
      break;
    case envelope::kind::hello:
    case envelope::kind::snapshot:
      o["p"] = entries_json(e.entries);
      break;
    case envelope::kind::revoke:
      o["jti"] = e.jti;
      o["exp"] = e.expires_at;
      break;
    case envelope::kind::forget:
      o["c"] = e.channel;
      o["to"] = e.user_id;
      break;
    case envelope::kind::matched: {
      o["c"] = e.channel;
      o["cid"] = e.channel_id;
      o["to"] = e.user_id;
      o["peer"] = e.peer;
      o["at"] = e.target;
      json::array seats;
      for (const auto& s : e.seats) {
        seats.push_back(json::array{s.thread, s.session});
      }
      o["seats"] = std::move(seats);
      break;
    }
    case envelope::kind::heartbeat:
    case envelope::kind::resync:
      break;
  }
  return json::serialize(o);
}

std::optional<envelope> decode(std::string_view text_in) {
  boost::system::error_code ec;
  auto v = json::parse(text_in, ec);
  if (ec || !v.is_object()) {
    return std::nullopt;
  }
  const auto& o = v.get_object();
  try {
    envelope e;
    const auto k = text(o, "k");
    const auto* found = std::find(kind_names.begin(), kind_names.end(), k);
    if (found == kind_names.end()) {
      return std::nullopt;
    }
    e.type = static_cast<envelope::kind>(found - kind_names.begin());
    e.node = text(o, "n");
    switch (e.type) {
      case envelope::kind::message: {
        auto& m = e.message;
        m.channel = text(o, "c");
        m.channel_id = integer(o, "cid");
        m.id = integer(o, "id");
        m.user_id = integer(o, "uid");
        m.from = text(o, "from");
        m.text = text(o, "text");
        m.ts_ms = integer(o, "ts");
        if (o.contains("cat")) {
          m.committed_unix_us = integer(o, "cat");
        }
        if (const auto* list = o.if_contains("att"); list != nullptr) {
          for (const auto& item : list->as_array()) {
            const auto& a = item.as_array();
            m.attachments.push_back({std::string(a.at(0).as_string()),
                                     std::string(a.at(1).as_string()),
                                     std::string(a.at(2).as_string()), a.at(3).as_int64()});
          }
        }
        if (const auto& dm = field(o, "dm"); dm.is_array()) {
          const auto& pair = dm.get_array();
          if (pair.size() != 2) {
            return std::nullopt;
          }
          m.direct = true;
          m.dm_user_a = pair[0].as_int64();
          m.dm_user_b = pair[1].as_int64();
          e.user_id = integer(o, "to");
        }
        break;
      }
      case envelope::kind::channel_frame:
        e.channel = text(o, "c");
        e.frame = text(o, "f");
        break;
      case envelope::kind::user_frame:
        e.user_id = integer(o, "to");
        e.frame = text(o, "f");
        break;
      case envelope::kind::presence: {
        const auto& p = field(o, "p").as_array();
        const auto& on = field(o, "on");
        if (p.size() != 1 || !on.is_bool()) {
          return std::nullopt;
        }
        e.entry = entry_of(p[0]);
        e.present = on.get_bool();
        break;
      }
      case envelope::kind::hello:
      case envelope::kind::snapshot:
        for (const auto& item : field(o, "p").as_array()) {
          e.entries.push_back(entry_of(item));
        }
        break;
      case envelope::kind::revoke:
        e.jti = text(o, "jti");
        e.expires_at = integer(o, "exp");
        break;
      case envelope::kind::forget:
        e.channel = text(o, "c");
        e.user_id = integer(o, "to");
        break;
      case envelope::kind::matched:
        e.channel = text(o, "c");
        e.channel_id = integer(o, "cid");
        e.user_id = integer(o, "to");
        e.peer = text(o, "peer");
        e.target = text(o, "at");
        for (const auto& item : field(o, "seats").as_array()) {
          const auto& pair = item.as_array();
          e.seats.push_back({e.target,
                             static_cast<std::size_t>(pair.at(0).to_number<std::uint64_t>()),
                             pair.at(1).to_number<std::uint64_t>()});
        }
        break;
      case envelope::kind::heartbeat:
      case envelope::kind::resync:
        break;
    }
    return e;
  } catch (const std::exception&) {
    return std::nullopt;
  }
}

std::string encode_seat(const chat::match_seat& seat) {
  return seat.node + "|" + std::to_string(seat.thread) + "|" + std::to_string(seat.session);
}

std::optional<chat::match_seat> decode_seat(std::string_view text) {
  const auto last = text.rfind('|');
  if (last == std::string_view::npos || last == 0) {
    return std::nullopt;
  }
  const auto middle = text.rfind('|', last - 1);
  if (middle == std::string_view::npos) {
    return std::nullopt;
  }
  chat::match_seat seat;
  seat.node = std::string(text.substr(0, middle));
  const auto thread = text.substr(middle + 1, last - middle - 1);
  const auto session = text.substr(last + 1);
  const auto t = std::from_chars(thread.data(), thread.data() + thread.size(), seat.thread);
  const auto s = std::from_chars(session.data(), session.data() + session.size(), seat.session);
  if (t.ec != std::errc{} || t.ptr != thread.data() + thread.size() || s.ec != std::errc{} ||
      s.ptr != session.data() + session.size() || thread.empty() || session.empty()) {
    return std::nullopt;
  }
  return seat;
}

std::optional<std::optional<chat::match_candidate>> decode_pairing(std::string_view text) {
  if (text.empty()) {
    return std::optional<chat::match_candidate>{};
  }
  chat::match_candidate peer;
  auto line_end = text.find('\n');
  const auto head = text.substr(0, line_end);
  const auto bar = head.find('|');
  if (bar == std::string_view::npos) {
    return std::nullopt;
  }
  const auto id = head.substr(0, bar);
  const auto r = std::from_chars(id.data(), id.data() + id.size(), peer.user_id);
  if (r.ec != std::errc{} || r.ptr != id.data() + id.size() || id.empty()) {
    return std::nullopt;
  }
  peer.username = std::string(head.substr(bar + 1));
  while (line_end != std::string_view::npos) {
    const auto start = line_end + 1;
    line_end = text.find('\n', start);
    auto seat = decode_seat(text.substr(
        start, line_end == std::string_view::npos ? std::string_view::npos : line_end - start));
    if (!seat) {
      return std::nullopt;
    }
    peer.seats.push_back(std::move(*seat));
  }
  if (peer.seats.empty() || peer.username.empty()) {
    return std::nullopt;
  }
  return std::optional<chat::match_candidate>{std::move(peer)};
}

}  // namespace parley::cluster
