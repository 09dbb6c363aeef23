#include "parley/bench/resume.hpp"

#include <algorithm>
#include <charconv>

namespace parley::bench {

delivery_ledger::verdict delivery_ledger::record(const delivery& d) {
  const bool behind = d.id <= last_id_;
  if (!behind) {
    last_id_ = d.id;
  }
  auto& p = pubs_[d.pub];
  if (d.seq == p.next && !behind) {
    ++p.next;
    ++p.received;
    ++received_;
    return verdict::fresh;
  }
  if (d.seq >= p.next) {
    if (d.seq > p.next) {
      p.skipped.emplace_back(p.next, d.seq);
    }
    p.next = d.seq + 1;
  } else if (!fill(p, d.seq)) {
    return verdict::duplicated;
  }
  ++p.received;
  ++received_;
  return behind || d.seq + 1 < p.next ? verdict::out_of_order : verdict::fresh;
}

bool delivery_ledger::fill(publisher_view& p, std::int64_t seq) {
  const auto range = std::find_if(p.skipped.begin(), p.skipped.end(), [seq](const auto& r) {
    return r.first <= seq && seq < r.second;
  });
  if (range == p.skipped.end()) {
    return false;
  }
  const auto [from, to] = *range;
  p.skipped.erase(range);
  if (from < seq) {
    p.skipped.emplace_back(from, seq);
  }
  if (seq + 1 < to) {
    p.skipped.emplace_back(seq + 1, to);
  }
  return true;
}

std::uint64_t delivery_ledger::missing(unsigned pub, std::uint64_t sent) const {
  const auto got = pubs_[pub].received;
  return sent > got ? sent - got : 0;
}

void send_window::acknowledged(std::int64_t seq) {
  while (!unacked_.empty() && unacked_.front().seq <= seq) {
    unacked_.pop_front();
  }
}

bool parse_message_id(std::string_view frame, std::int64_t& id) {
  const auto at = frame.find(R"("id":)");
  if (at == std::string_view::npos) {
    return false;
  }
  const char* end = frame.data() + frame.size();
  return std::from_chars(frame.data() + at + 5, end, id).ec == std::errc{};
}

bool parse_payload(std::string_view frame, unsigned& pub, std::int64_t& seq, std::int64_t& ns) {
  const auto at = frame.find(R"("text":"p)");
  if (at == std::string_view::npos) {
    return false;
  }
  const char* p = frame.data() + at + 9;
  const char* end = frame.data() + frame.size();
  auto r1 = std::from_chars(p, end, pub);
  if (r1.ec != std::errc{} || r1.ptr == end || *r1.ptr != ':')
    return false;
  auto r2 = std::from_chars(r1.ptr + 1, end, seq);
  if (r2.ec != std::errc{} || r2.ptr == end || *r2.ptr != ':')
    return false;
  auto r3 = std::from_chars(r2.ptr + 1, end, ns);
  return r3.ec == std::errc{};
}

}  // namespace parley::bench
