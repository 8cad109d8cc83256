<?php

declare(strict_types=1);

namespace Feennex\Compat;

/** The amount types of a wallet payout. */
class PiastrixTransferAmountType
{
    public static string $ReceiveAmountType = 'receive_amount';
    public static string $WriteoffAmountType = 'writeoff_amount';
}
