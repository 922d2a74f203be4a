# frozen_string_literal: true

# A sender for automail rule bundles on Shopify's reference Liquid (ruby-liquid 5.4, stock Liquid::Template),
# written from docs/bundle-format.md and docs/signing.md. Every adjustment to the stock engine is one the
# bundle format names (docs/bundle-format.md, "The Liquid subset"); each is marked `Adjustment:` below.
#
#   key = AutomailSender.load_public_key(File.binread("ci.pub"))   # or nil
#   bundle = AutomailSender.load_bundle(File.binread("bundle.json"), key)
#   decision = AutomailSender.evaluate(bundle, event)             # a Hash ready for JSON
#
# Refusals raise Refused (code, message); an event that cannot be evaluated raises EvaluationFailed.

require "digest"
require "json"
require "openssl"
require "base64"
require "cgi"
require "liquid"

module AutomailSender
  class Refused < StandardError
    attr_reader :code
    def initialize(code, message) = (@code = code; super("#{code}: #{message}"))
  end

  class EvaluationFailed < StandardError
    attr_reader :code
    def initialize(code, message) = (@code = code; super("#{code}: #{message}"))
  end

  class RenderFailure < StandardError; end

  # --- Strict JSON (Reading a bundle, step 1) -----------------------------------------------------------
  class StrictJSON
    MAXIMUM_DEPTH = 256
    class Error < StandardError; end

    def self.parse(bytes)
      raise Error, "a byte order mark" if bytes.b.start_with?("\xEF\xBB\xBF".b)
      text = bytes.dup.force_encoding(Encoding::UTF_8)
      raise Error, "not UTF-8" unless text.valid_encoding?
      parser = new(text)
      parser.skip_space
      value = parser.value(1)
      parser.skip_space
      raise Error, "text after the document" unless parser.at_end?
      value
    end

    def initialize(text)
      @chars = text.chars
      @index = 0
    end

    def at_end? = @index >= @chars.length
    def peek = @chars[@index]

    def skip_space
      @index += 1 while [" ", "\t", "\n", "\r"].include?(peek)
    end

    def expect(char)
      raise Error, "expected #{char}" unless peek == char
      @index += 1
    end

    def value(depth)
      case peek
      when "{" then object(depth)
      when "[" then array(depth)
      when "\"" then string
      when "t" then word("true", true)
      when "f" then word("false", false)
      when "n" then word("null", nil)
      else number
      end
    end

    def word(text, result)
      raise Error, "expected #{text}" unless @chars[@index, text.length].join == text
      @index += text.length
      result
    end

    def number
      start = @index
      @index += 1 if peek == "-"
      raise Error, "expected a value" unless peek&.match?(/[0-9]/)
      if peek == "0"
        @index += 1
      else
        @index += 1 while peek&.match?(/[0-9]/)
      end
      raise Error, "not an integer" if [".", "e", "E"].include?(peek)
      number = Integer(@chars[start...@index].join, 10)
      raise Error, "#{number} does not fit in 64 bits" unless (-(2**63)...(2**63)).cover?(number)
      number
    end

    def string
      expect("\"")
      out = +""
      loop do
        char = peek
        raise Error, "unterminated string" if char.nil?
        @index += 1
        break if char == "\""
        raise Error, "a control character in a string" if char.ord < 0x20
        if char != "\\"
          out << char
          next
        end
        escape = peek
        @index += 1
        case escape
        when "\"", "\\", "/" then out << escape
        when "b" then out << "\b"
        when "f" then out << "\f"
        when "n" then out << "\n"
        when "r" then out << "\r"
        when "t" then out << "\t"
        when "u"
          code = hex4
          if (0xD800..0xDBFF).cover?(code) && @chars[@index, 2].join == "\\u"
            @index += 2
            low = hex4
            raise Error, "a lone surrogate" unless (0xDC00..0xDFFF).cover?(low)
            code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)
          elsif (0xD800..0xDFFF).cover?(code)
            raise Error, "a lone surrogate"
          end
          out << code.chr(Encoding::UTF_8)
        else raise Error, "a bad escape"
        end
      end
      out
    end

    def hex4
      digits = @chars[@index, 4].join
      raise Error, "a bad \\u escape" unless digits.match?(/\A[0-9a-fA-F]{4}\z/)
      @index += 4
      digits.to_i(16)
    end

    def array(depth)
      raise Error, "nesting deeper than #{MAXIMUM_DEPTH}" if depth > MAXIMUM_DEPTH
      expect("[")
      items = []
      skip_space
      if peek == "]"
        @index += 1
        return items
      end
      loop do
        skip_space
        items << value(depth + 1)
        skip_space
        break if peek == "]"
        expect(",")
      end
      @index += 1
      items
    end

    def object(depth)
      raise Error, "nesting deeper than #{MAXIMUM_DEPTH}" if depth > MAXIMUM_DEPTH
      expect("{")
      members = {}
      seen = {}
      skip_space
      if peek == "}"
        @index += 1
        return members
      end
      loop do
        skip_space
        raise Error, "expected a key" unless peek == "\""
        key = string
        normalised = key.unicode_normalize(:nfc)
        raise Error, "the key #{key.inspect} is repeated" if seen[normalised]
        seen[normalised] = true
        skip_space
        expect(":")
        skip_space
        members[key] = value(depth + 1)
        skip_space
        break if peek == "}"
        expect(",")
      end
      @index += 1
      members
    end
  end

  # --- Digest and signature --------------------------------------------------------------------------------
  def self.canonical(value)
    case value
    when Hash then "{" + value.keys.sort_by { |k| k.codepoints }.map { |k| canonical(k) + ":" + canonical(value[k]) }.join(",") + "}"
    when Array then "[" + value.map { |v| canonical(v) }.join(",") + "]"
    when String
      escaped = value.each_char.map do |c|
        case c
        when "\"" then "\\\""
        when "\\" then "\\\\"
        when "\b" then "\\b"
        when "\f" then "\\f"
        when "\n" then "\\n"
        when "\r" then "\\r"
        when "\t" then "\\t"
        else c.ord < 0x20 ? format("\\u%04x", c.ord) : c
        end
      end
      "\"#{escaped.join}\""
    when nil then "null"
    else value.to_s
    end
  end

  def self.compute_digest(document)
    content = document.reject { |k, _| %w[digest signature].include?(k) }
    "sha256:" + Digest::SHA256.hexdigest(canonical(content).encode(Encoding::UTF_8))
  end

  def self.load_public_key(pem)
    key = OpenSSL::PKey.read(pem)
    raise ArgumentError, "not an Ed25519 key" unless key.oid == "ED25519"
    key
  end

  def self.key_id_of(key) = "sha256:" + Digest::SHA256.hexdigest(key.public_to_der[-32..])[0, 16]

  def self.verify_signature(document, digest, key)
    raise Refused.new("unsigned", "the bundle is not signed") unless document.key?("signature")
    signature = document["signature"]
    unless signature.is_a?(Hash) && signature.keys.sort == %w[algorithm key_id value] &&
           signature["algorithm"] == "ed25519" &&
           signature["key_id"].is_a?(String) && signature["key_id"].match?(/\Asha256:[0-9a-f]{16}\z/) &&
           signature["value"].is_a?(String) && signature["value"].match?(%r{\A[A-Za-z0-9+/]{86}==\z})
      raise Refused.new("signature_malformed", "not exactly ed25519, a key_id and the padded base64 of 64 bytes")
    end
    raw = begin
      Base64.strict_decode64(signature["value"])
    rescue ArgumentError
      nil
    end
    unless raw && Base64.strict_encode64(raw) == signature["value"]
      raise Refused.new("signature_malformed", "not the canonical base64 of 64 bytes")
    end
    raise Refused.new("wrong_key", "signed by another key") unless signature["key_id"] == key_id_of(key)
    message = "automail-bundle-signature-v1\n#{digest}"
    ok = begin
      key.verify(nil, raw, message)
    rescue OpenSSL::PKey::PKeyError
      false
    end
    raise Refused.new("bad_signature", "the signature does not verify") unless ok
  end

  # --- Reading the members -------------------------------------------------------------------------------
  class Reader
    attr_reader :value
    def initialize(value, pointer = "") = (@value = value; @pointer = pointer)
    def fail(message) = raise(Refused.new("malformed", "at #{@pointer.empty? ? '/' : @pointer}: #{message}"))

    def member(name, required: true)
      fail("expected an object") unless @value.is_a?(Hash)
      unless @value.key?(name)
        fail("the member `#{name}` is missing") if required
        return nil
      end
      Reader.new(@value[name], "#{@pointer}/#{name.gsub('~', '~0').gsub('/', '~1')}")
    end

    def string = (@value.is_a?(String) ? @value : fail("expected a string"))
    def integer = (@value.is_a?(Integer) ? @value : fail("expected an integer"))
    def boolean = ([true, false].include?(@value) ? @value : fail("expected a boolean"))

    def items
      fail("expected an array") unless @value.is_a?(Array)
      @value.each_with_index.map { |item, i| Reader.new(item, "#{@pointer}/#{i}") }
    end

    def members
      fail("expected an object") unless @value.is_a?(Hash)
      @value.keys.map { |name| [name, member(name)] }
    end
  end
end

module AutomailSender
  # --- Liquid: stock Liquid::Template, with the adjustments "The Liquid subset" names ------------------------

  # Adjustment (the subset's tags): every other tag is unknown, so a template holding one does not parse.
  SUPPORTED_TAGS = %w[if unless case assign capture comment raw].freeze
  (Liquid::Template.tags.instance_variable_get(:@tags).keys - SUPPORTED_TAGS).each { |name| Liquid::Template.tags.delete(name) }

  # Adjustment (comment bodies): a comment's body is not parsed, whatever it holds (stock Liquid 5.4 parses
  # the tags inside a comment and refuses an unbalanced `{% if %}` there; python-liquid and the reference
  # do not). It ends at the first `{% endcomment %}`.
  module CommentBody
    END_COMMENT = /\A\{%-?\s*endcomment\s*-?%\}\z/m.freeze

    def parse(tokens)
      @body = new_body
      while (token = tokens.shift)
        next unless token.match?(END_COMMENT)
        parse_context.trim_whitespace = true if token.end_with?("-%}")
        return
      end
      raise Liquid::SyntaxError, "`comment` is not closed"
    end
  end
  Liquid::Comment.prepend(CommentBody)

  # The subset's filters and their numbers of positional arguments (and keywords), checked at load.
  FILTER_ARITY = {
    "default" => [0..1, ["allow_false"]], "upcase" => [0..0, []], "downcase" => [0..0, []],
    "capitalize" => [0..0, []], "strip" => [0..0, []], "lstrip" => [0..0, []], "rstrip" => [0..0, []],
    "escape" => [0..0, []], "escape_once" => [0..0, []], "append" => [1..1, []], "prepend" => [1..1, []],
    "replace" => [1..2, []], "replace_first" => [1..2, []], "remove" => [1..1, []], "remove_first" => [1..1, []],
    "truncate" => [0..2, []], "size" => [0..0, []], "strip_newlines" => [0..0, []], "newline_to_br" => [0..0, []],
    "url_encode" => [0..0, []],
  }.freeze

  WHITE_SPACE = ["\t", "\n", "\v", "\f", "\r", " ", "\u0085", "\u00a0", "\u1680", *("\u2000".."\u200a").to_a,
                 "\u2028", "\u2029", "\u202f", "\u205f", "\u3000"].freeze

  # Adjustment (values read as strings): nil empty, booleans true/false, numbers as Ruby writes them, an
  # empty array `[]`, an empty object `{}`; a non-empty array or object fails (engines print them differently).
  def self.liquid_string(value)
    case value
    when nil then ""
    when true, false, Integer, Float, String then value.to_s
    when Array, Hash
      raise RenderFailure, "a non-empty #{value.class} cannot be read as a string" unless value.empty?
      value.is_a?(Array) ? "[]" : "{}"
    else raise RenderFailure, "#{value.class} cannot be read as a string"
    end
  end

  def self.blank?(value)
    value.nil? || value == false || (value.is_a?(String) && value.each_char.all? { |c| WHITE_SPACE.include?(c) }) ||
      ((value.is_a?(Array) || value.is_a?(Hash)) && value.empty?)
  end

  module Filters
    S = AutomailSender.method(:liquid_string)

    %w[upcase downcase capitalize strip lstrip rstrip escape escape_once strip_newlines newline_to_br].each do |name|
      define_method(name) { |input| super(S.call(input)) }
    end
    %w[append prepend remove remove_first].each do |name|
      define_method(name) { |input, string| super(S.call(input), S.call(string)) }
    end
    %w[replace replace_first].each do |name|
      define_method(name) { |input, string, replacement = ""| super(S.call(input), S.call(string), S.call(replacement)) }
    end

    def url_encode(input) = input.nil? ? nil : super(S.call(input))

    def truncate(input, length = 50, ellipsis = "...")
      return nil if input.nil?
      super(S.call(input), length, S.call(ellipsis))
    end

    # Adjustment: Ruby answers the byte size of a number (8), others 0: it fails.
    def size(input)
      raise RenderFailure, "the size of a number differs between engines" if input.is_a?(Numeric)
      super
    end
  end
  Liquid::Template.register_filter(Filters)

  # Adjustment (`== blank`): nil, false, White_Space-only strings, [] and {} (as Ruby Liquid with
  # ActiveSupport; stock Ruby Liquid without it says nothing is blank). `empty` is stock.
  module BlankEquality
    def equal_variables(left, right)
      left, right = right, left if right.is_a?(Liquid::Condition::MethodLiteral) && !left.is_a?(Liquid::Condition::MethodLiteral)
      if left.is_a?(Liquid::Condition::MethodLiteral) && left.method_name == :blank?
        return false if right.is_a?(Liquid::Condition::MethodLiteral)
        return AutomailSender.blank?(right)
      end
      super
    end
  end
  Liquid::Condition.prepend(BlankEquality)

  # Adjustment (`contains`): false when the right side is nil or false; in a string, the right side read as
  # a string (false when it cannot be); in an array, an item `==` it; in an object, one of its keys.
  Liquid::Condition.operators["contains"] = lambda do |_condition, left, right|
    next false if right.nil? || right == false
    case left
    when String
      begin
        left.include?(AutomailSender.liquid_string(right))
      rescue RenderFailure
        false
      end
    when Array then left.any? { |item| item == right }
    when Hash then right.is_a?(String) && left.key?(right)
    else false
    end
  end

  # Adjustment (properties): a member named size, first or last wins (stock); `.size` of a number fails
  # (stock answers 8); `.first` of a non-empty object fails (stock answers its first pair).
  module Properties
    def evaluate(context)
      name = context.evaluate(@name)
      object = context.find_variable(name)
      @lookups.each_index do |i|
        key = Liquid::Utils.to_liquid_value(context.evaluate(@lookups[i]))
        if object.respond_to?(:[]) &&
           ((object.respond_to?(:key?) && object.key?(key)) || (object.respond_to?(:fetch) && key.is_a?(Integer)))
          object = context.lookup_and_evaluate(object, key).to_liquid
        elsif lookup_command?(i) && key == "size" && object.is_a?(Numeric)
          raise RenderFailure, "the size of a number differs between engines"
        elsif lookup_command?(i) && key == "first" && object.is_a?(Hash) && !object.empty?
          raise RenderFailure, "the first member of an object differs between engines"
        elsif lookup_command?(i) && object.respond_to?(key) && !object.is_a?(Hash)
          object = object.send(key).to_liquid
        else
          return nil
        end
      end
      object
    end
  end
  Liquid::VariableLookup.prepend(Properties)

  # Adjustment (printing): a non-empty object fails (engines print it differently).
  module Printing
    def render_to_output_buffer(context, output)
      obj = render(context)
      raise RenderFailure, "a non-empty object cannot be printed" if obj.is_a?(Hash) && !obj.empty?
      if obj.is_a?(Array)
        obj.flatten.each { |item| raise RenderFailure, "a non-empty object cannot be printed" if item.is_a?(Hash) && !item.empty? }
      end
      super
    end
  end
  Liquid::Variable.prepend(Printing)

  MAXIMUM_LENGTH = 4_000_000
  TEXT_WIDTH = 78

  # The Rendering section's wrapping rule (format 2): a rendered line longer than 78 code points keeps its
  # prefix (leading spaces and `>`, then a list marker `- ` or `N. ` whose width in spaces starts the
  # continuation lines), its words (split at U+0020) are refilled greedily joined by one space,
  # continuation lines repeat the prefix; a word longer than a line stands alone, whole.
  def self.wrap_text(text)
    text.split("\n", -1).flat_map do |line|
      next [line] if line.length <= TEXT_WIDTH
      prefix = line[/\A[ >]*/]
      rest = line[prefix.length..]
      lines = []
      current = prefix.dup
      has_word = false
      if (marker = rest[/\A(- |[0-9]+\. )/]) # a list item: continuation lines indented by the marker's width
        current = prefix + marker
        rest = rest[marker.length..]
        prefix += " " * marker.length
      end
      rest.split(" ").reject(&:empty?).each do |word|
        if has_word && current.length + 1 + word.length > TEXT_WIDTH
          lines << current
          current = prefix.dup
          has_word = false
        end
        current << " " if has_word
        current << word
        has_word = true
      end
      lines << current
    end.join("\n")
  end

  def self.parse_liquid(reader)
    source = reader.string
    template = begin
      Liquid::Template.parse(source, error_mode: :strict)
    rescue Liquid::Error => e
      reader.fail("the Liquid does not parse: #{e.message}")
    end
    Liquid::ParseTreeVisitor.for(template.root).add_callback_for(Liquid::Variable) do |node|
      node.filters.each do |filter_name, arguments, keywords|
        positional, names = FILTER_ARITY[filter_name]
        reader.fail("the filter `#{filter_name}` is not in the Liquid subset") if positional.nil?
        unless positional.cover?(arguments.length) && ((keywords || {}).keys - names).empty?
          reader.fail("the filter `#{filter_name}` takes #{positional} arguments")
        end
      end
    end.visit
    template
  end

  # --- Members ---------------------------------------------------------------------------------------------
  def self.read_members(root)
    bundle = { "digest" => root.member("digest").string }
    minor = root.member("format_minor", required: false)
    minor.fail("`format_minor` must not be negative") if minor && minor.integer.negative?
    revision = root.member("revision", required: false)
    revision&.string
    workspace = root.member("workspace")
    bundle["workspace_id"] = workspace.member("id").string
    workspace.member("name").string

    locales_node = root.member("locales")
    default_node = locales_node.member("default")
    default = default_node.string
    locales = []
    locales_node.member("all").items.each do |item|
      locale = item.string
      item.fail("the locale `#{locale}` is listed twice") if locales.include?(locale)
      locales << locale
    end
    default_node.fail("the default locale must be the first of `locales.all`") unless locales.first == default
    bundle["default_locale"] = default
    bundle["locales"] = locales

    consent = root.member("consent")
    mode_node = consent.member("mode")
    mode = mode_node.string
    mode_node.fail("unknown consent mode `#{mode}`") unless %w[channel purpose].include?(mode)
    purposes = []
    if mode == "purpose"
      consent.member("purposes").items.each do |item|
        purpose = item.member("id").string
        item.fail("the purpose `#{purpose}` is listed twice") if purposes.include?(purpose)
        purposes << purpose
      end
    end
    bundle["mode"] = mode

    senders = {}
    root.member("senders").members.each do |id, node|
      from = node.member("from")
      reply_to = node.member("reply_to", required: false)
      senders[id] = { "from" => { "name" => from.member("name").string, "address" => from.member("address").string },
                      "reply_to" => reply_to&.string }
    end
    default_sender = root.member("default_sender")
    default_sender.fail("`default_sender` is not a key of `senders`") unless senders.key?(default_sender.string)
    bundle["senders"] = senders

    globals_node = root.member("globals")
    globals = {}
    globals_node.members.each do |locale, node|
      node.fail("expected an object") unless node.value.is_a?(Hash)
      globals[locale] = node.value
    end
    locales.each { |locale| globals_node.fail("the locale `#{locale}` has no globals") unless globals.key?(locale) }
    bundle["globals"] = globals

    root.member("variables").items.each do |item|
      item.member("name").string
      item.member("type").string
      item.member("required", required: false)&.boolean
    end

    templates = {}
    root.member("templates").members.each do |id, node|
      sender_node = node.member("sender")
      sender_node.fail("the sender is not a key of `senders`") unless senders.key?(sender_node.string)
      purpose = nil
      if mode == "purpose"
        purpose_node = node.member("purpose")
        purpose = purpose_node.string
        purpose_node.fail("`#{purpose}` is not a purpose of `consent.purposes`") unless purposes.include?(purpose)
      end
      contents = {}
      content_node = node.member("locales")
      content_node.members.each do |locale, content|
        content.fail("the locale `#{locale}` is not one of `locales.all`") unless locales.include?(locale)
        headers = content.member("headers").members.to_h { |name, value| [name, parse_liquid(value)] }
        contents[locale] = { "subject" => parse_liquid(content.member("subject")), "html" => parse_liquid(content.member("html")),
                             "text" => parse_liquid(content.member("text")), "headers" => headers }
      end
      content_node.fail("the template has no content in the default locale") unless contents.key?(default)
      templates[id] = { "sender" => sender_node.string, "purpose" => purpose, "locales" => contents }
    end
    bundle["templates"] = templates

    triggers = {}
    seen = {}
    root.member("triggers").members.each do |key, node|
      triggers[key] = node.items.map do |item|
        trigger_node = item.member("trigger")
        trigger = trigger_node.string
        trigger_node.fail("the trigger `#{trigger}` appears twice") if seen[trigger]
        seen[trigger] = true
        template_node = item.member("template")
        template_node.fail("the template is not a key of `templates`") unless templates.key?(template_node.string)
        priority = item.member("priority").integer
        delay_node = item.member("delay_seconds")
        delay_node.fail("`delay_seconds` must not be negative") if delay_node.integer.negative?
        once_node = item.member("once_per_contact_seconds", required: false)
        once = once_node&.integer
        once_node.fail("`once_per_contact_seconds` is -1 or more") if once && once < -1
        active = %w[active_from active_until].to_h do |name|
          node = item.member(name, required: false)
          [name, node && utc_instant(node)]
        end
        if active["active_from"] && active["active_until"] && active["active_until"] <= active["active_from"]
          item.fail("`active_until` must be after `active_from`")
        end
        policies = %w[quiet_hours blackouts].to_h do |name|
          node = item.member(name)
          node.fail("expected defer, drop or ignore") unless %w[defer drop ignore].include?(node.string)
          [name, node.string]
        end
        cap_node = item.member("frequency_cap")
        cap_node.fail("expected count or exempt") unless %w[count exempt].include?(cap_node.string)
        { "trigger" => trigger, "template" => template_node.string, "priority" => priority,
          "delay_seconds" => delay_node.integer, "once_per_contact_seconds" => once,
          "cap_exempt" => cap_node.string == "exempt" }.merge(active).merge(policies)
      end
    end
    bundle["triggers"] = triggers
    bundle["timing"] = read_timing(root.member("timing"))
    bundle
  end

  # An instant as bundles write them: RFC 3339 in UTC with `Z`.
  def self.utc_instant(node)
    text = node.string
    seconds = begin
      AutomailSender.parse_time(text)
    rescue ArgumentError
      node.fail("`#{text}` is not a date-time")
    end
    node.fail("`#{text}` is not written in UTC") unless AutomailSender.format_time(seconds) == text
    seconds
  end

  # `timing`: zones, quiet hours, the frequency cap, blackouts.
  def self.read_timing(node)
    zone_node = node.member("time_zone")
    node.member("tzdata").string
    zones = {}
    node.member("zones").members.each do |name, list|
      transitions = list.items.map do |item|
        pair = item.items
        item.fail("a transition is [instant, offset]") unless pair.length == 2
        [pair[0].integer, pair[1].integer]
      end
      list.fail("a zone has at least one transition") if transitions.empty?
      list.fail("instants must increase") unless transitions.each_cons(2).all? { |a, b| a[0] < b[0] }
      list.fail("an offset is within 26 hours") unless transitions.all? { |_, offset| offset.abs <= 26 * 3600 }
      zones[name] = transitions
    end
    zone_node.fail("`time_zone` is not a key of `zones`") unless zones.key?(zone_node.string)
    quiet_node = node.member("quiet_hours", required: false)
    quiet = nil
    if quiet_node
      quiet = [quiet_node.member("start_seconds").integer, quiet_node.member("end_seconds").integer]
      unless quiet.all? { |second| second >= 0 && second < 86_400 } && quiet[0] != quiet[1]
        quiet_node.fail("quiet hours are two different seconds of the day")
      end
    end
    cap_node = node.member("frequency_cap", required: false)
    cap = cap_node && [cap_node.member("emails").integer, cap_node.member("window_seconds").integer]
    cap_node.fail("`emails` and `window_seconds` are at least 1") if cap && (cap[0] < 1 || cap[1] < 1)
    blackouts_node = node.member("blackouts")
    blackouts_node.fail("at most 100 blackouts") if blackouts_node.items.length > 100
    blackouts = []
    blackouts_node.items.each do |item|
      from = utc_instant(item.member("from"))
      till = utc_instant(item.member("until"))
      item.fail("a blackout's `from` is before its `until`") unless from < till
      item.fail("blackouts are sorted by `from`") if !blackouts.empty? && from < blackouts.last[0]
      blackouts << [from, till, item.member("reason").string]
    end
    { "time_zone" => zone_node.string, "zones" => zones, "quiet_hours" => quiet, "cap" => cap, "blackouts" => blackouts }
  end

  def self.load_bundle(data, public_key = nil)
    document = begin
      StrictJSON.parse(data)
    rescue StrictJSON::Error => e
      raise Refused.new("syntax", e.message)
    end
    raise Refused.new("malformed", "at /: expected an object") unless document.is_a?(Hash)
    root = Reader.new(document)
    format = root.member("format").integer
    raise Refused.new("unsupported_format", "format #{format}; this reader supports 2") unless format == 2
    declared = root.member("digest").string
    computed = compute_digest(document)
    raise Refused.new("digest_mismatch", "declared #{declared}, computed #{computed}") unless declared == computed
    verify_signature(document, computed, public_key) if public_key
    read_members(root)
  end
end

module AutomailSender
  # --- Time --------------------------------------------------------------------------------------------------
  TIMESTAMP = /\A(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:(Z)|([+-])(\d{2}):(\d{2}))\z/
  EARLIEST = -62_135_596_800
  LATEST = 253_402_300_799

  def self.days_from_civil(year, month, day)
    year -= 1 if month <= 2
    era = (year >= 0 ? year : year - 399) / 400
    yoe = year - era * 400
    doy = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1
    doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
    era * 146_097 + doe - 719_468
  end

  def self.parse_time(text)
    match = TIMESTAMP.match(text.to_s) or raise ArgumentError, "#{text.inspect} is not a date-time"
    year, month, day, hour, minute, second = (1..6).map { |i| match[i].to_i }
    offset = match[8] ? (match[9].to_i * 3600 + match[10].to_i * 60) * (match[8] == "-" ? -1 : 1) : 0
    days_from_civil(year, month, day) * 86_400 + hour * 3600 + minute * 60 + second - offset
  end

  def self.format_time(seconds)
    days, second_of_day = seconds.divmod(86_400)
    z = days + 719_468
    era = (z >= 0 ? z : z - 146_096) / 146_097
    doe = z - era * 146_097
    yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
    doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
    mp = (5 * doy + 2) / 153
    day = doy - (153 * mp + 2) / 5 + 1
    month = mp < 10 ? mp + 3 : mp - 9
    year = yoe + era * 400 + (month <= 2 ? 1 : 0)
    hour, rest = second_of_day.divmod(3600)
    minute, second = rest.divmod(60)
    format("%04d-%02d-%02dT%02d:%02d:%02dZ", year, month, day, hour, minute, second)
  end

  # --- Evaluating an event -------------------------------------------------------------------------------------
  def self.event_keys(encounter)
    keys = (encounter["answers"] || []).map { |a| "answer:#{a['questionnaire']}/#{a['question']}/#{a['answer']}" }
    keys << "support_level:#{encounter['support_level']}" unless encounter["support_level"].nil?
    keys += (encounter["tasks"] || []).map { |task| "task:#{task}" }
    keys.uniq
  end

  def self.stop(bundle, action, template, contact, now)
    from, till = action["active_from"], action["active_until"]
    if (from && now < from) || (till && now >= till)
      return ["inactive", { "active_from" => from && format_time(from), "active_until" => till && format_time(till) }]
    end
    return ["no_address", nil] if contact["email"].nil? || contact["email"] == ""
    consent = contact["consent"] || {}
    unsubscribed = contact["unsubscribed"] || {}
    purposes = unsubscribed["purposes"] || []
    if bundle["mode"] == "channel"
      return ["no_consent", nil] unless (consent["channels"] || []).include?("email")
      return ["unsubscribed", nil] if unsubscribed["all"] == true || !purposes.empty?
    else
      purpose = template["purpose"]
      return ["no_consent", nil] unless ((consent["purposes"] || {})[purpose] || []).include?("email")
      return ["unsubscribed", nil] if unsubscribed["all"] == true || purposes.include?(purpose)
    end
    window = action["once_per_contact_seconds"]
    unless window.nil?
      counting = (contact["history"] || []).select { |e| e["trigger"] == action["trigger"] || e["template"] == action["template"] }
      unless counting.empty?
        latest = counting.map { |e| parse_time(e["at"]) }.max
        return ["once_per_contact", { "last_sent" => format_time(latest) }] if window == -1 || now - latest < window
      end
    end
    cap = bundle["timing"]["cap"]
    if cap && !action["cap_exempt"]
      counted = (contact["history"] || []).count { |e| now - parse_time(e["at"]) < cap[1] }
      return ["frequency_cap", { "counted" => counted }] if counted >= cap[0]
    end
    nil
  end

  # --- Local time ----------------------------------------------------------------------------------------------
  def self.offset_at(zone, seconds)
    last = zone.rindex { |instant, _| instant <= seconds } || 0
    zone[last][1]
  end

  def self.next_transition(zone, seconds) = zone.find { |instant, _| instant > seconds }&.first

  def self.quiet?(quiet, second)
    from, till = quiet
    from < till ? (from <= second && second < till) : (second >= from || second < till)
  end

  def self.quiet_end(quiet, zone, seconds)
    instant = seconds
    loop do
      second = (instant + offset_at(zone, instant)) % 86_400
      return instant unless quiet?(quiet, second)
      candidate = instant + (quiet[1] - second) % 86_400
      following = next_transition(zone, instant)
      return candidate unless following && following < candidate
      instant = following
    end
  end

  # [:at, send_at, deferrals], [:dropped, outcome, extra] or [:out_of_range].
  def self.send_time(timing, action, now, zone)
    send_at = now + action["delay_seconds"]
    return [:out_of_range] if send_at > LATEST
    deferrals = []
    loop do
      if action["blackouts"] != "ignore"
        blackout = timing["blackouts"].find { |from, till, _| from <= send_at && send_at < till }
        if blackout
          return [:dropped, "blackout", { "until" => format_time(blackout[1]), "reason" => blackout[2] }] if action["blackouts"] == "drop"
          deferrals << { "reason" => "blackout", "from" => format_time(send_at), "until" => format_time(blackout[1]),
                         "blackout" => blackout[2] }
          send_at = blackout[1]
          next
        end
      end
      quiet = timing["quiet_hours"]
      if action["quiet_hours"] != "ignore" && quiet && quiet?(quiet, (send_at + offset_at(zone, send_at)) % 86_400)
        finish = quiet_end(quiet, zone, send_at)
        return [:out_of_range] if finish > LATEST
        return [:dropped, "quiet_hours", { "until" => format_time(finish) }] if action["quiet_hours"] == "drop"
        deferrals << { "reason" => "quiet_hours", "from" => format_time(send_at), "until" => format_time(finish), "blackout" => nil }
        send_at = finish
        next
      end
      return [:at, send_at, deferrals]
    end
  end

  def self.contact_zone(timing, requested)
    return [requested, "contact"] if !requested.nil? && timing["zones"].key?(requested)
    [timing["time_zone"], requested.nil? ? "workspace" : "workspace_fallback"]
  end

  def self.normalise_locale(locale) = locale.tr("A-Z_", "a-z-")

  def self.choose_locale(bundle, template, requested)
    return [bundle["default_locale"], "default"] if requested.nil? || requested == ""
    wanted = normalise_locale(requested)
    available = bundle["locales"].select { |l| template["locales"].key?(l) }
    available.each { |l| return [l, "exact"] if normalise_locale(l) == wanted }
    if wanted.include?("-")
      language = wanted.split("-", 2).first
      available.each { |l| return [l, "language"] if normalise_locale(l) == language }
    end
    [bundle["default_locale"], "default"]
  end

  # --- What a header may hold ---------------------------------------------------------------------------------
  FORBIDDEN = [0x00..0x1F, 0x7F..0x9F, 0xAD..0xAD, 0x34F..0x34F, 0x61C..0x61C, 0x115F..0x1160, 0x180E..0x180E,
               0x200B..0x200B, 0x200E..0x200F, 0x2028..0x2029, 0x202A..0x202E, 0x2060..0x2064, 0x2066..0x206F,
               0x3164..0x3164, 0xFEFF..0xFEFF, 0xFFA0..0xFFA0, 0xE0000..0xE007F].freeze
  SPACES = [0xA0, 0x1680, 0x202F, 0x205F, 0x3000, *(0x2000..0x200A)].freeze
  ATEXT = "!#$%&'*+-/=?^_`{|}~"
  URI_CHARACTERS = "-._~:/?#[]@!$&'()*+,;="

  def self.forbidden?(char) = FORBIDDEN.any? { |range| range.cover?(char.ord) }
  def self.alnum?(char) = char.match?(/\A[A-Za-z0-9]\z/)
  def self.other?(char) = char.ord >= 0xA0 && !forbidden?(char) && !SPACES.include?(char.ord)

  def self.address?(address)
    return false if address.length > 254 || address.count("@") != 1
    local, domain = address.split("@", -1)
    return false unless (1..64).cover?(local.length) && !domain.empty?
    return false unless local.split(".", -1).all? { |atom| !atom.empty? && atom.each_char.all? { |c| alnum?(c) || ATEXT.include?(c) || other?(c) } }
    domain.split(".", -1).all? do |label|
      (1..63).cover?(label.length) && label[0] != "-" && label[-1] != "-" &&
        label.each_char.all? { |c| alnum?(c) || c == "-" || other?(c) }
    end
  end

  def self.unsubscribe_url?(url)
    prefix = "https://"
    return false if url.length <= prefix.length || url[0, prefix.length].tr("A-Z", "a-z") != prefix
    index = 0
    while index < url.length
      char = url[index]
      if char == "%"
        return false unless url[index + 1, 2]&.match?(/\A[0-9a-fA-F]{2}\z/)
        index += 3
        next
      end
      return false unless alnum?(char) || URI_CHARACTERS.include?(char)
      index += 1
    end
    authority = url[prefix.length..].split(%r{[/?#]}, 2).first || ""
    !authority.include?("@") && !authority.split(":", 2).first.to_s.empty?
  end

  def self.check_headers(message)
    values = [["subject", message["subject"]]] + message["headers"].keys.sort.map { |n| [n, message["headers"][n]] } +
             [["to.name", message["to"]["name"]]]
    values.each do |field, value|
      value.each_char.with_index do |char, offset|
        raise EvaluationFailed.new("unsafe_header", format("%s holds U+%04X at %d", field, char.ord, offset)) if forbidden?(char)
      end
    end
  end

  # --- Rendering ------------------------------------------------------------------------------------------------
  def self.render_email(bundle, template_id, locale, contact)
    template = bundle["templates"][template_id]
    content = template["locales"][locale]
    context = bundle["globals"][locale].dup
    fields = (contact["fields"] || {}).dup
    fields["mail"] = contact["email"] unless contact["email"].nil?
    context["contact"] = fields
    context["unsubscribe_url"] = contact["unsubscribe_url"]
    render = lambda do |parsed, where|
      text = begin
        parsed.render!(context.dup)
      rescue StandardError => e
        raise EvaluationFailed.new("render", "#{where}: #{e.message}")
      end
      raise EvaluationFailed.new("render", "#{where}: longer than #{MAXIMUM_LENGTH}") if text.length > MAXIMUM_LENGTH
      text
    end
    pointer = "/templates/#{template_id}/locales/#{locale}"
    headers = content["headers"].to_h { |name, value| [name, render.call(value, "#{pointer}/headers/#{name}")] }
    sender = bundle["senders"][template["sender"]]
    names = %w[firstname surname].map { |n| fields[n] }.select { |n| n.is_a?(String) && !n.empty? }
    {
      "from" => sender["from"].dup, "reply_to" => sender["reply_to"],
      "to" => { "name" => names.join(" "), "address" => contact["email"] || "" },
      "subject" => render.call(content["subject"], "#{pointer}/subject"), "headers" => headers,
      "text" => wrap_text(render.call(content["text"], "#{pointer}/text")), "html" => render.call(content["html"], "#{pointer}/html"),
    }
  end

  def self.evaluate(bundle, event)
    now = parse_time(event["time"])
    contact = event["contact"]
    keys = []
    candidates = []
    event_keys(event["encounter"] || {}).each do |key|
      actions = bundle["triggers"].fetch(key, [])
      keys << { "key" => key, "triggers" => actions.map { |a| a["trigger"] } }
      actions.each { |action| candidates << [key, action] }
    end
    candidates.sort_by! { |_, a| [-a["priority"], a["trigger"].codepoints] }
    listed = []
    winner = nil
    winner_time = nil
    zone_name, zone_source = contact_zone(bundle["timing"], contact["time_zone"])
    zone = bundle["timing"]["zones"][zone_name]
    candidates.each do |key, action|
      template = bundle["templates"][action["template"]]
      stopped = stop(bundle, action, template, contact, now)
      time = nil
      unless stopped
        time = send_time(bundle["timing"], action, now, zone)
        stopped = [time[1], time[2]] if time[0] == :dropped
      end
      entry = { "trigger" => action["trigger"], "template" => action["template"], "key" => key, "priority" => action["priority"],
                "purpose" => template["purpose"], "delay_seconds" => action["delay_seconds"],
                "once_per_contact_seconds" => action["once_per_contact_seconds"] }
      if stopped
        entry["outcome"] = stopped[0]
        entry.merge!(stopped[1]) if stopped[1]
      elsif winner.nil?
        winner = action
        winner_time = time
        entry["outcome"] = "sent"
      else
        entry["outcome"] = "lower_priority"
        entry["outranked_by"] = winner["trigger"]
      end
      listed << entry
    end
    email = nil
    if winner
      raise EvaluationFailed.new("send_time_out_of_range", "after the year 9999") unless winner_time[0] == :at
      send_at = winner_time[1]
      template = bundle["templates"][winner["template"]]
      locale, match = choose_locale(bundle, template, contact["locale"])
      raise EvaluationFailed.new("invalid_address", "not an addr-spec") unless address?(contact["email"] || "")
      raise EvaluationFailed.new("invalid_unsubscribe_url", "not an https URI") unless unsubscribe_url?(contact["unsubscribe_url"])
      message = render_email(bundle, winner["template"], locale, contact)
      check_headers(message)
      email = { "trigger" => winner["trigger"], "template" => winner["template"], "locale" => locale, "locale_match" => match,
                "delay_seconds" => winner["delay_seconds"], "send_at" => format_time(send_at) }.merge(message)
      email["record"] = { "trigger" => winner["trigger"], "template" => winner["template"], "at" => format_time(send_at) }
      email["deferrals"] = winner_time[2]
    end
    { "format" => 2, "time_zone" => { "name" => zone_name, "source" => zone_source }, "bundle" => { "workspace" => bundle["workspace_id"], "digest" => bundle["digest"] },
      "time" => format_time(now), "keys" => keys, "candidates" => listed, "email" => email }
  end
end
