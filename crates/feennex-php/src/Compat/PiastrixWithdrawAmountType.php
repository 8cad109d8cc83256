<?php

declare(strict_types=1);

namespace Feennex\Compat;

/** The amount types of a withdrawal. */
class PiastrixWithdrawAmountType
{
    public static string $PsAmountType = 'ps_amount';
    public static string $ShopAmountType = 'shop_amount';
}
