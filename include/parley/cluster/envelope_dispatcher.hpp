#pragma once

#include "parley/auth/token_service.hpp"
#include "parley/chat/hub.hpp"
#include "parley/chat/membership_cache.hpp"
#include "parley/cluster/delivery_order.hpp"
#include "parley/cluster/wire.hpp"
#include "parley/store/store.hpp"

namespace parley::cluster {

/// Applies what another instance published to this instance: its messages (channel messages in
/// stored order through delivery_order, on the store thread), its frames and presence (the hub)
/// its revocations (the token service), ended memberships and matches. What to answer, and who is
/// alive, link_state decides.
class envelope_dispatcher {
 public:
  /// `order` is used on the store thread only, as it requires.
  /// `node`: this instance, to pick the matches meant for its sessions.
  envelope_dispatcher(std::string node, chat::hub& hub, store::store& db,
                      auth::token_service& tokens, chat::membership_cache& memberships,
                      delivery_order& order)
      : node_(std::move(node)),
        hub_(hub),
        db_(db),
        tokens_(tokens),
        memberships_(memberships),
        order_(order) {}

  /// An envelope from another instance (bus thread).
  void dispatch(envelope e);

 private:
  std::string node_;
  chat::hub& hub_;
  store::store& db_;
  auth::token_service& tokens_;
  chat::membership_cache& memberships_;
  delivery_order& order_;
};

}  // namespace parley::cluster
