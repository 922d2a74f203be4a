// Placeholder: the MailRendering module is being written.
