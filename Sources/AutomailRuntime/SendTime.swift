import BundleModel

/// Where a candidate's send time ends up (step 3.7 of "Evaluating an event").
enum SendTime: Hashable {
    /// Sent at this time, after these deferrals (none: the event's time plus the delay).
    case at(Timestamp, [Deferral])
    /// Stopped: `quiet_hours` or `blackout`, dropped.
    case dropped(Outcome)
    /// The send time would fall after 9999-12-31T23:59:59Z.
    case outOfRange
}

extension TimingRules {
    /// The send time of an action: the event's time plus the delay, moved out of blackouts and quiet
    /// hours (in that order, again until neither applies) or dropped, as the action's policies say.
    func sendTime(
        event time: Timestamp, delaySeconds: Int, quietPolicy: TimingPolicy, blackoutPolicy: TimingPolicy,
        zone: ZoneOffsets
    ) -> SendTime {
        guard var sendAt = time.adding(seconds: delaySeconds) else { return .outOfRange }
        var deferrals: [Deferral] = []
        // Every turn moves the time past a blackout or past quiet hours, forward only: with B blackouts
        // the time leaves each at most once, and quiet hours at most once between two of them.
        for _ in 0...(2 * blackouts.count + 2) {
            if blackoutPolicy != .ignore, let blackout = firstBlackout(holding: sendAt) {
                if blackoutPolicy == .drop {
                    return .dropped(.blackout(until: blackout.until, reason: blackout.reason))
                }
                deferrals.append(
                    Deferral(reason: "blackout", from: sendAt, until: blackout.until, blackout: blackout.reason))
                sendAt = blackout.until
                continue
            }
            if quietPolicy != .ignore, let quiet = quietHours,
                quiet.contains(secondOfDay: zone.localSecondOfDay(at: sendAt.seconds))
            {
                guard let end = Timestamp(seconds: quiet.end(after: sendAt.seconds, in: zone)) else {
                    return .outOfRange
                }
                if quietPolicy == .drop { return .dropped(.quietHours(until: end)) }
                deferrals.append(Deferral(reason: "quiet_hours", from: sendAt, until: end, blackout: nil))
                sendAt = end
                continue
            }
            return .at(sendAt, deferrals)
        }
        return .outOfRange
    }
}
