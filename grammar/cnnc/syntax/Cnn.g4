// The .cnn language: a network as a list of layer statements, plus training settings.
// Statements are separated by newlines or ';'. Sizes such as 28x28x1 are single tokens.
// The grammar accepts some things the checker rejects (negative numbers, reals where a
// count is wanted) so that those mistakes get a precise message instead of a syntax error.
grammar Cnn;

// Every decision at this level is LL(1) on a separator, so recovery from a syntax error can
// skip to the next separator and go on (see LineRecovery): each later statement is still checked.
program     : line (sep line)* EOF ;
line        : statement? ;
sep         : NEWLINE | SEMI ;

statement   : inputStmt
            | convStmt
            | poolStmt
            | padStmt
            | batchnormStmt
            | flattenStmt
            | denseStmt
            | dropoutStmt
            | activationStmt
            | optimizerStmt
            | epochsStmt
            | batchStmt
            | seedStmt
            | positiveStmt
            | validationStmt
            | patienceStmt
            | scheduleStmt
            ;

inputStmt      : INPUT dims ;
convStmt       : CONV number dims convOption* ;
poolStmt       : POOL poolKind? (GLOBAL | dims poolOption*) ;
padStmt        : PAD dims ;
batchnormStmt  : BATCHNORM batchnormOption* ;
flattenStmt    : FLATTEN ;
denseStmt      : DENSE number weightOption* ;
dropoutStmt    : DROPOUT number ;
activationStmt : activation ;

optimizerStmt  : OPTIMIZER optimizerName optimizerOption* ;
epochsStmt     : EPOCHS number ;
batchStmt      : BATCH number ;
seedStmt       : SEED number ;
positiveStmt   : POSITIVE number ;
validationStmt : VALIDATION SPLIT number ;
patienceStmt   : PATIENCE number ;
scheduleStmt   : SCHEDULE scheduleName scheduleOption* ;

convOption  : STRIDE number                   # strideOption
            | PAD (number | SAME | VALID)     # padOption
            | weightOption                    # convWeightOption
            ;
poolOption  : STRIDE number ;
batchnormOption : (MOMENTUM | EPSILON) number     # batchnormValue
                | FREEZE                          # batchnormFreeze
                ;
// what conv and dense share: the options of a layer that has weights
weightOption : activation                     # weightActivation
             | regularizer                    # weightRegularizer
             | FREEZE                         # weightFreeze
             | NOBIAS                         # weightNoBias
             ;
regularizer : (L1 | L2) number ;

optimizerOption : (LR | MOMENTUM | RHO | BETA1 | BETA2 | EPSILON) number ;
optimizerName   : SGD | RMSPROP | ADAM ;
scheduleOption  : (EVERY | FACTOR | RATE | MIN | PATIENCE) number ;
scheduleName    : STEP | EXPONENTIAL | COSINE | PLATEAU ;

poolKind    : MAX | AVG ;
// leakyrelu's slope below zero and elu's alpha may follow them: `leakyrelu 0.2`, `elu 0.5`
activation  : RELU | SIGMOID | TANH | SOFTMAX | LINEAR | (LEAKYRELU | ELU) number? ;
dims        : DIMS | INT ;
number      : MINUS? (INT | REAL) ;

INPUT     : 'input' ;
CONV      : 'conv' ;
POOL      : 'pool' ;
FLATTEN   : 'flatten' ;
BATCHNORM : 'batchnorm' ;
DENSE     : 'dense' ;
DROPOUT   : 'dropout' ;
OPTIMIZER : 'optimizer' ;
EPOCHS    : 'epochs' ;
BATCH     : 'batch' ;
SEED      : 'seed' ;
POSITIVE  : 'positive' ;
VALIDATION : 'validation' ;
SPLIT     : 'split' ;
PATIENCE  : 'patience' ;
SCHEDULE  : 'schedule' ;
STEP      : 'step' ;
EXPONENTIAL : 'exponential' ;
COSINE    : 'cosine' ;
PLATEAU   : 'plateau' ;
EVERY     : 'every' ;
FACTOR    : 'factor' ;
RATE      : 'rate' ;
MIN       : 'min' ;
STRIDE    : 'stride' ;
PAD       : 'pad' ;
SAME      : 'same' ;
VALID     : 'valid' ;
FREEZE    : 'freeze' ;
NOBIAS    : 'nobias' ;
L1        : 'l1' ;
L2        : 'l2' ;
MAX       : 'max' ;
AVG       : 'avg' ;
GLOBAL    : 'global' ;
RELU      : 'relu' ;
SIGMOID   : 'sigmoid' ;
TANH      : 'tanh' ;
SOFTMAX   : 'softmax' ;
LINEAR    : 'linear' ;
LEAKYRELU : 'leakyrelu' ;
ELU       : 'elu' ;
SGD       : 'sgd' ;
RMSPROP   : 'rmsprop' ;
ADAM      : 'adam' ;
LR        : 'lr' ;
MOMENTUM  : 'momentum' ;
RHO       : 'rho' ;
BETA1     : 'beta1' ;
BETA2     : 'beta2' ;
EPSILON   : 'epsilon' ;

DIMS      : DIGIT+ ([xX] DIGIT+)+ ;
REAL      : DIGIT+ '.' DIGIT* EXPONENT?
          | '.' DIGIT+ EXPONENT?
          | DIGIT+ EXPONENT
          ;
INT       : DIGIT+ ;
MINUS     : '-' ;
SEMI      : ';' ;
IDENT     : [a-zA-Z_] [a-zA-Z_0-9]* ;

NEWLINE   : '\r'? '\n' | '\r' ;
COMMENT   : ('#' | '//') ~[\r\n]* -> skip ;
WS        : [ \t\f]+ -> skip ;
// Anything else becomes one token the parser rejects, so the user sees where it is.
UNKNOWN   : . ;

fragment DIGIT    : [0-9] ;
fragment EXPONENT : [eE] [+-]? DIGIT+ ;
