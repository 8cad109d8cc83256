//! The return and callback URL flags that payments share.

use clap::Args;
use feennex_proto::prelude::PaymentUrls;

#[derive(Debug, Args)]
pub struct UrlArgs {
    /// Where the payer lands after paying.
    #[arg(long)]
    pub success_url: Option<String>,
    /// Where the payer lands when the payment fails.
    #[arg(long)]
    pub failed_url: Option<String>,
    /// Where Feennex sends the callback.
    #[arg(long)]
    pub callback_url: Option<String>,
}

impl UrlArgs {
    pub fn to_urls(&self) -> PaymentUrls {
        let mut urls = PaymentUrls::default();
        urls.success_url = self.success_url.clone();
        urls.failed_url = self.failed_url.clone();
        urls.callback_url = self.callback_url.clone();
        urls
    }
}
