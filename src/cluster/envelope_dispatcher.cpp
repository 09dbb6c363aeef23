#include "parley/cluster/envelope_dispatcher.hpp"

#include "parley/proto/shared_frame.hpp"
#include "parley/util/clock.hpp"

namespace parley::cluster {

void envelope_dispatcher::dispatch(envelope e) {
  switch (e.type) {
    case envelope::kind::message:
      if (e.message.committed_unix_us != 0) {
        e.message.committed_at = util::steady_time_of(e.message.committed_unix_us);
      }
      if (e.message.direct) {
        // It came on one user's topic: deliver to that user only (the other user's topic
        // brings the other copy).
        e.message.dm_user_a = e.message.dm_user_b = e.user_id;
        db_.post([this, m = std::move(e.message)](store::database&) { hub_.publish(m); });
      } else {
        db_.post([this, m = std::move(e.message)](store::database& db) { order_.offer(db, m); });
      }
      break;
    case envelope::kind::channel_frame:
      hub_.broadcast_local(e.channel, proto::make_frame(std::move(e.frame)));
      break;
    case envelope::kind::user_frame:
      hub_.send_to_user_local(e.user_id, proto::make_frame(std::move(e.frame)));
      break;
    case envelope::kind::presence:
      hub_.remote_presence_changed(e.node, e.entry, e.present);
      break;
    case envelope::kind::hello:
    case envelope::kind::snapshot:
      hub_.remote_presence_replaced(e.node, e.entries);
      break;
    case envelope::kind::revoke:
      tokens_.revoke(e.jti, e.expires_at, util::unix_seconds());
      break;
    case envelope::kind::resync:
      db_.post([this](store::database& db) { order_.catch_up(db); });
      break;
    case envelope::kind::forget:
      memberships_.forget(e.channel, e.user_id);
      hub_.end_membership_local(e.user_id, e.channel);
      break;
    case envelope::kind::matched:
      if (e.target == node_) {
        for (const auto& seat : e.seats) {
          hub_.deliver_match(seat.thread, seat.session, {e.channel_id, e.channel, "match"}, e.peer);
        }
      }
      break;
    case envelope::kind::heartbeat:
      break;
  }
}

}  // namespace parley::cluster
