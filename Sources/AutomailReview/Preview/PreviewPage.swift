import AutomailRuntime
import BundleModel
import Liquid
import MailRendering

/// The pages a reviewer opens: one email (headers, subject, the HTML part in a frame, the text part)
/// and an index of every template and locale.
public enum PreviewPage {
    /// The header rows a page shows for `email`, unescaped: From, To, Reply-To, Subject, then its own headers.
    static func headerRows(_ email: RenderedEmail) -> [(String, String)] {
        func shown(_ mailbox: Mailbox) -> String {
            mailbox.name.isEmpty ? mailbox.address : "\(mailbox.name) <\(mailbox.address)>"
        }
        var rows: [(String, String)] = [("From", shown(email.from)), ("To", shown(email.to))]
        if let replyTo = email.replyTo { rows.append(("Reply-To", replyTo)) }
        rows.append(("Subject", email.subject))
        rows += email.headers.map { ($0.name, $0.value) }
        return rows
    }

    /// A page showing the headers, the subject and the HTML part of `email`, then its text part.
    public static func page(_ email: RenderedEmail) -> String {
        let table = headerRows(email).map {
            "<tr><th>\(HTMLEscaper.escape(.attribute, $0.0))</th><td>\(HTMLEscaper.escape(.attribute, $0.1))</td></tr>"
        }.joined(separator: "\n")
        return """
            <!DOCTYPE html>
            <html lang="\(HTMLEscaper.escape(.attribute, email.locale))">
            <head>
            <meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <title>\(HTMLEscaper.escape(.attribute, email.subject)) — \(HTMLEscaper.escape(.attribute, email.template)) (\(HTMLEscaper.escape(.attribute, email.locale)))</title>
            <style>
            body { margin: 0; font-family: -apple-system, 'Segoe UI', Roboto, Helvetica, Arial, sans-serif; background: #e5e7eb; color: #111827; }
            header { padding: 16px 24px; background: #ffffff; border-bottom: 1px solid #d1d5db; }
            h1 { font-size: 20px; margin: 0 0 12px; }
            table { border-collapse: collapse; font-size: 13px; }
            th { text-align: right; padding: 2px 12px 2px 0; color: #6b7280; font-weight: 600; vertical-align: top; white-space: nowrap; }
            td { padding: 2px 0; word-break: break-all; }
            iframe { display: block; width: 100%; height: 900px; border: 0; background: #ffffff; }
            section { padding: 16px 24px; }
            pre { white-space: pre-wrap; background: #ffffff; padding: 16px; border-radius: 8px; font-size: 13px; }
            </style>
            </head>
            <body>
            <header>
            <h1>\(HTMLEscaper.escape(.attribute, email.subject))</h1>
            <table>
            \(table)
            </table>
            </header>
            <iframe title="HTML part" sandbox srcdoc="\(HTMLEscaper.escape(.attribute, email.html))"></iframe>
            <section>
            <h2>Text part</h2>
            <pre>\(HTMLEscaper.escape(.attribute, email.text))</pre>
            </section>
            </body>
            </html>

            """
    }

    /// An index page linking every `(template, locale, file)` with its subject.
    public static func index(
        title: String, entries: [(template: String, locale: String, subject: String, file: String)]
    ) -> String {
        let items = entries.map {
            "<li><a href=\"\(HTMLEscaper.escape(.attribute, $0.file))\"><code>\(HTMLEscaper.escape(.attribute, $0.template))</code> "
                + "(\(HTMLEscaper.escape(.attribute, $0.locale)))</a>: \(HTMLEscaper.escape(.attribute, $0.subject))</li>"
        }.joined(separator: "\n")
        return """
            <!DOCTYPE html>
            <html lang="en">
            <head>
            <meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <title>\(HTMLEscaper.escape(.attribute, title))</title>
            <style>body { font-family: -apple-system, 'Segoe UI', Roboto, Helvetica, Arial, sans-serif; margin: 24px; line-height: 1.6; }</style>
            </head>
            <body>
            <h1>\(HTMLEscaper.escape(.attribute, title))</h1>
            <ul>
            \(items)
            </ul>
            </body>
            </html>

            """
    }
}
