global using KlmSocialPay.Grains;
global using KlmSocialPay.Grains.Conversations;
global using KlmSocialPay.Grains.Orders;
global using Xunit;
