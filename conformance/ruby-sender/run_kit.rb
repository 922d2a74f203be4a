#!/usr/bin/env ruby
# frozen_string_literal: true

# Runs the automail conformance kit against the Ruby sender:  ruby conformance/ruby-sender/run_kit.rb conformance/
# With a second argument (a JSON-lines file of {"bundle", "event", "public_key"?}), prints one answer a line
# instead ({"decision"}, {"refused"} or {"error"}), for differential checks against the reference.

require "json"
require_relative "automail_sender"

# A path of the kit; an absolute path is kept (as Python's os.path.join does).
def kit_path(kit, path) = path.start_with?("/") ? path : File.join(kit, path)

def outcome_of(kit, item, cache)
  cache_key = [item["bundle"], item["public_key"]]
  unless cache.key?(cache_key)
    key = item["public_key"] && AutomailSender.load_public_key(File.binread(kit_path(kit, item["public_key"])))
    cache[cache_key] = begin
      AutomailSender.load_bundle(File.binread(kit_path(kit, item["bundle"])), key)
    rescue AutomailSender::Refused => e
      e
    end
  end
  bundle = cache[cache_key]
  return { "refused" => bundle.code } if bundle.is_a?(AutomailSender::Refused)
  { "decision" => AutomailSender.evaluate(bundle, item["event"]) }
rescue AutomailSender::EvaluationFailed => e
  { "error" => e.code }
end

def first_difference(expected, actual, pointer = "")
  return [pointer.empty? ? "/" : pointer, expected, actual] unless expected.class == actual.class
  case expected
  when Hash
    (expected.keys | actual.keys).sort.each do |key|
      return ["#{pointer}/#{key}", expected.fetch(key, "<absent>"), actual.fetch(key, "<absent>")] unless expected.key?(key) && actual.key?(key)
      found = first_difference(expected[key], actual[key], "#{pointer}/#{key}")
      return found if found
    end
    nil
  when Array
    expected.zip(actual).each_with_index do |(a, b), i|
      found = first_difference(a, b, "#{pointer}/#{i}")
      return found if found
    end
    expected.length == actual.length ? nil : ["#{pointer}/length", expected.length, actual.length]
  else
    expected == actual ? nil : [pointer.empty? ? "/" : pointer, expected, actual]
  end
end

def short(value)
  text = JSON.generate(value)
  text.length <= 160 ? text : "#{text[0, 157]}..."
end

kit = ARGV[0] or abort("usage: run_kit.rb KIT_FOLDER [EVENTS.jsonl]")
cache = {}
if ARGV[1]
  File.foreach(ARGV[1]) do |line|
    next if line.strip.empty?
    puts JSON.generate(outcome_of(kit, JSON.parse(line), cache))
  end
  exit 0
end
names = Dir.children(File.join(kit, "cases")).select { |n| n.end_with?(".json") }.sort
mismatches = 0
names.each do |name|
  item = JSON.parse(File.read(File.join(kit, "cases", name), encoding: "UTF-8"))
  actual = begin
    outcome_of(kit, item, cache)
  rescue StandardError => e
    { "crash" => "#{e.class}: #{e.message}" }
  end
  difference = first_difference(item["expected"], actual)
  if difference.nil?
    puts "ok    #{name.delete_suffix('.json')}"
  else
    mismatches += 1
    puts "FAIL  #{name.delete_suffix('.json')}: at #{difference[0]}: expected #{short(difference[1])}, got #{short(difference[2])}"
  end
end
puts "#{names.length} cases: #{names.length - mismatches} passed, #{mismatches} mismatches"
exit(mismatches.zero? ? 0 : 1)
