#include "parley/chat/remote_presence.hpp"

namespace parley::chat {

bool remote_presence::add(const std::string& node, const presence_entry& e) {
  auto [it, inserted] = nodes_[node].try_emplace(key{e.channel, e.user_id}, e.username);
  if (!inserted) {
    return false;
  }
  auto& count = counts_[e.channel][e.user_id];
  count.first = e.username;
  return ++count.second == 1;
}

bool remote_presence::remove(const std::string& node, const key& k) {
  auto nit = nodes_.find(node);
  if (nit == nodes_.end() || nit->second.erase(k) == 0) {
    return false;
  }
  if (nit->second.empty()) {
    nodes_.erase(nit);
  }
  auto cit = counts_.find(k.first);
  if (cit == counts_.end()) {
    return false;
  }
  auto uit = cit->second.find(k.second);
  if (uit == cit->second.end() || --uit->second.second > 0) {
    return false;
  }
  cit->second.erase(uit);
  if (cit->second.empty()) {
    counts_.erase(cit);
  }
  return true;
}

std::vector<remote_presence::change> remote_presence::set(const std::string& node,
                                                          const presence_entry& e, bool present) {
  std::vector<change> out;
  if (present ? add(node, e) : remove(node, key{e.channel, e.user_id})) {
    out.push_back({e, present});
  }
  return out;
}

std::vector<remote_presence::change> remote_presence::replace(
    const std::string& node, const std::vector<presence_entry>& entries) {
  std::set<key> wanted;
  for (const auto& e : entries) {
    wanted.emplace(e.channel, e.user_id);
  }
  std::vector<change> out;
  if (auto it = nodes_.find(node); it != nodes_.end()) {
    std::vector<std::pair<key, std::string>> stale;
    for (const auto& [k, name] : it->second) {
      if (!wanted.contains(k)) {
        stale.emplace_back(k, name);
      }
    }
    for (const auto& [k, name] : stale) {
      if (remove(node, k)) {
        out.push_back({presence_entry{k.first, k.second, name}, false});
      }
    }
  }
  for (const auto& e : entries) {
    if (add(node, e)) {
      out.push_back({e, true});
    }
  }
  return out;
}

std::vector<remote_presence::change> remote_presence::drop(const std::string& node) {
  return replace(node, {});
}

bool remote_presence::has(const std::string& channel, std::int64_t user_id) const {
  auto it = counts_.find(channel);
  return it != counts_.end() && it->second.contains(user_id);
}

void remote_presence::usernames(const std::string& channel, std::vector<std::string>& out) const {
  if (auto it = counts_.find(channel); it != counts_.end()) {
    for (const auto& [id, entry] : it->second) {
      out.push_back(entry.first);
    }
  }
}

void remote_presence::users(const std::string& channel,
                            std::vector<std::pair<std::int64_t, std::string>>& out) const {
  if (auto it = counts_.find(channel); it != counts_.end()) {
    for (const auto& [id, entry] : it->second) {
      out.emplace_back(id, entry.first);
    }
  }
}

}  // namespace parley::chat
