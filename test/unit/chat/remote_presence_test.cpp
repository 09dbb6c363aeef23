#include <catch2/catch.hpp>

#include "parley/chat/remote_presence.hpp"

using namespace parley::chat;
using change = remote_presence::change;

TEST_CASE("remote presence changes only when a user's first or last instance comes or goes") {
  remote_presence p;
  const presence_entry bob{"general", 2, "bob"};
  CHECK(p.set("a", bob, true) == std::vector<change>{{bob, true}});
  CHECK(p.set("a", bob, true).empty());  // repeated
  CHECK(p.set("b", bob, true).empty());  // bob was already present elsewhere
  CHECK(p.has("general", 2));
  CHECK(p.set("a", bob, false).empty());  // still on b
  CHECK(p.has("general", 2));
  CHECK(p.drop("b") == std::vector<change>{{bob, false}});
  CHECK_FALSE(p.has("general", 2));
  CHECK(p.set("a", bob, false).empty());  // never there any more
}

TEST_CASE("a snapshot replaces what an instance said before") {
  remote_presence p;
  const presence_entry bob{"general", 2, "bob"};
  const presence_entry eve{"general", 3, "eve"};
  const presence_entry bob_ops{"ops", 2, "bob"};
  p.set("a", bob, true);
  p.set("a", eve, true);
  const auto changes = p.replace("a", {eve, bob_ops});
  CHECK(changes == std::vector<change>{{bob, false}, {bob_ops, true}});
  std::vector<std::string> names;
  p.usernames("general", names);
  CHECK(names == std::vector<std::string>{"eve"});
  names.clear();
  p.usernames("ops", names);
  CHECK(names == std::vector<std::string>{"bob"});
  CHECK(p.drop("a").size() == 2);
  CHECK(p.drop("a").empty());
}
