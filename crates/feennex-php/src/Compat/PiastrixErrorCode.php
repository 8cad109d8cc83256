<?php

declare(strict_types=1);

namespace Feennex\Compat;

/** The official client's own error codes. */
class PiastrixErrorCode
{
    public static int $ExtraFieldsError = 1000;
    public static int $IpError = 1001;
    public static int $SignError = 1002;
    public static int $ShopAmountError = 1003;
    public static int $ShopCurrencyError = 1004;
    public static int $StatusError = 1005;
    public static int $LanguageError = 1006;
    public static int $AmountTypeError = 1007;
    /** A verified callback for another shop (the official client does not check). */
    public static int $ShopIdError = 1008;
}
